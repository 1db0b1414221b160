#!/usr/bin/env python3
"""Reads TensorBoard event files with the Python standard library only, as an independent check of hhnn's writer.

Usage: read_tfevents.py FILE  ->  JSON list of events on stdout; exit 1 with a message on any framing, checksum or
protobuf defect. Follows the TFRecord framing (u64 length, masked CRC32C of it, data, masked CRC32C of the data)
and the field numbers of tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto.
"""
import json
import struct
import sys


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 1:
            v = buf[i:i + 8]; i += 8
        elif wt == 2:
            n, i = varint(buf, i)
            v = buf[i:i + n]; i += n
        elif wt == 5:
            v = buf[i:i + 4]; i += 4
        else:
            raise ValueError("wire type %d" % wt)
        if i > len(buf):
            raise ValueError("field %d runs past the end of its message" % num)
        yield num, wt, v


def varint(buf, i):
    shift = result = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        b = buf[i]; i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def f64(b):
    return struct.unpack("<d", b)[0]


def histogram(buf):
    h = {"bucket_limit": [], "bucket": []}
    names = {1: "min", 2: "max", 3: "num", 4: "sum", 5: "sum_squares"}
    for num, wt, v in fields(buf):
        if num in names:
            h[names[num]] = f64(v)
        elif num in (6, 7):
            key = "bucket_limit" if num == 6 else "bucket"
            h[key] += [f64(v[j:j + 8]) for j in range(0, len(v), 8)] if wt == 2 else [f64(v)]
    return h


def value(buf):
    out = {}
    for num, wt, v in fields(buf):
        if num == 1:
            out["tag"] = v.decode("utf-8")
        elif num == 2:
            out["simple_value"] = struct.unpack("<f", v)[0]
        elif num == 5:
            out["histo"] = histogram(v)
    return out


def event(buf):
    e = {}
    for num, wt, v in fields(buf):
        if num == 1:
            e["wall_time"] = f64(v)
        elif num == 2:
            e["step"] = v
        elif num == 3:
            e["file_version"] = v.decode("utf-8")
        elif num == 5:
            e["values"] = [value(sv) for n, _, sv in fields(v) if n == 1]
    return e


def read(path):
    data = open(path, "rb").read()
    events, i = [], 0
    while i < len(data):
        if i + 12 > len(data):
            raise ValueError("truncated record header at byte %d" % i)
        (n,) = struct.unpack("<Q", data[i:i + 8])
        (lc,) = struct.unpack("<I", data[i + 8:i + 12])
        if lc != masked(data[i:i + 8]):
            raise ValueError("length checksum mismatch at byte %d" % i)
        body = data[i + 12:i + 12 + n]
        if len(body) != n or i + 16 + n > len(data):
            raise ValueError("truncated record at byte %d" % i)
        (dc,) = struct.unpack("<I", data[i + 12 + n:i + 16 + n])
        if dc != masked(body):
            raise ValueError("data checksum mismatch in the record at byte %d" % i)
        events.append(event(body))
        i += 16 + n
    return events


if __name__ == "__main__":
    try:
        print(json.dumps(read(sys.argv[1])))
    except (ValueError, struct.error, UnicodeDecodeError) as e:
        print("read_tfevents: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        sys.exit(1)
