package org.hhnn.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The caching allocator both devices share (the one place device memory is allocated): freed blocks are kept in
 * per-size free lists and handed out again for the next request of the same rounded size, so a training step that
 * allocates the same temporaries every time calls cuMemAlloc / cuMemFree (synchronising, ~10-100 µs each) only in
 * its first step. Sizes are rounded up to 512 bytes below 1 MiB and to 1 MiB above. Reuse is safe without events
 * because all work runs in issue order on one stream: a block freed after a kernel was issued is only written by
 * work issued later. When the driver runs out of memory the cache is emptied and the allocation retried once;
 * the cache keeps at most {@link #CACHE_LIMIT} bytes.
 */
abstract class AbstractDevice implements Device {

    static final long SMALL = 1L << 20;
    static final long CACHE_LIMIT = 4L << 30;

    private final Map<Long, ArrayDeque<Long>> freeBlocks = new HashMap<>();   // rounded size -> free addresses
    private final Map<Long, Long> sizes = new HashMap<>();   // live address -> rounded size
    private long cached;

    /** A fresh allocation from the driver (throws OutOfMemoryError when there is none). */
    protected abstract long rawAlloc(long bytes);

    protected abstract void rawFree(long address);

    static long roundUp(long bytes) {
        if (bytes <= 0) return 512;
        long unit = bytes < SMALL ? 512 : SMALL;
        if (bytes > Long.MAX_VALUE - unit) throw new OutOfMemoryError(bytes + " bytes of device memory");
        return (bytes + unit - 1) / unit * unit;
    }

    @Override public final synchronized long alloc(long bytes) {
        long size = roundUp(bytes);
        ArrayDeque<Long> list = freeBlocks.get(size);
        long address;
        if (list != null && !list.isEmpty()) {
            address = list.pop();
            cached -= size;
        } else {
            try {
                address = rawAlloc(size);
            } catch (OutOfMemoryError e) {
                if (cached == 0) throw e;
                emptyCache();
                address = rawAlloc(size);
            }
        }
        sizes.put(address, size);
        return address;
    }

    @Override public final synchronized void free(long address) {
        Long size = sizes.remove(address);
        if (size == null) throw new IllegalArgumentException(name() + ": free of address 0x" + Long.toHexString(address) + ", which was not allocated here");
        if (cached + size > CACHE_LIMIT) {
            rawFree(address);
            return;
        }
        freeBlocks.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
        cached += size;
    }

    @Override public final synchronized long cachedBytes() { return cached; }

    @Override public final synchronized void emptyCache() {
        for (ArrayDeque<Long> list : freeBlocks.values())
            for (long a : list) rawFree(a);
        freeBlocks.clear();
        cached = 0;
    }

    /** Bytes handed out and not freed (tests use it to find leaks). */
    final synchronized long liveBytes() {
        long s = 0;
        for (long v : sizes.values()) s += v;
        return s;
    }
}
