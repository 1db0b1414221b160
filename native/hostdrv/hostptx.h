// native/hostdrv/hostptx.h — the part of PTX the host driver reads: each `.entry name(.param .type name, ...)` with
// its parameters' sizes and their offsets in a launch's argument buffer (each aligned to its own size, or to its
// .align), and the same form written from the host-compiled kernel registry (hostptx_main.cpp, at build time).
// Tested by: HostDriverTest (modules, launches), CudaFatbinTest (the shipped fatbin's PTX, where nvcc ran).
#pragma once
#include <ctype.h>
#include <stdlib.h>
#include <string>
#include <vector>

namespace hostptx {

struct Param {
    size_t size, align, offset;
};

struct Entry {
    std::string name;
    std::vector<Param> params;
    size_t param_bytes = 0;   // where the last parameter ends: the size a launch's argument buffer must have
};

inline size_t type_size(const std::string& t) {
    if (t == ".u8" || t == ".s8" || t == ".b8") return 1;
    if (t == ".u16" || t == ".s16" || t == ".b16" || t == ".f16") return 2;
    if (t == ".u32" || t == ".s32" || t == ".b32" || t == ".f32") return 4;
    if (t == ".u64" || t == ".s64" || t == ".b64" || t == ".f64") return 8;
    return 0;
}

// One `.param ...` declaration; false (with why) when it is not one this reader knows.
inline bool parse_param(const std::string& decl, Param* p, std::string* error) {
    std::vector<std::string> tok;
    for (size_t i = 0; i < decl.size();) {
        while (i < decl.size() && isspace((unsigned char)decl[i])) i++;
        size_t j = i;
        while (j < decl.size() && !isspace((unsigned char)decl[j])) j++;
        if (j > i) tok.push_back(decl.substr(i, j - i));
        i = j;
    }
    if (tok.empty() || tok[0] != ".param") {
        *error = "expected '.param' in '" + decl + "'";
        return false;
    }
    size_t size = 0, align = 0, count = 1;
    bool pointer = false;   // after .ptr, .align is the pointee's alignment, not the parameter's
    for (size_t t = 1; t < tok.size(); t++) {
        if (tok[t].compare(0, 4, ".ptr") == 0) pointer = true;
        else if (tok[t] == ".align" && t + 1 < tok.size()) {
            size_t a = strtoul(tok[++t].c_str(), nullptr, 10);
            if (!pointer) align = a;
        } else if (type_size(tok[t]) > 0) size = type_size(tok[t]);
        else if (t == tok.size() - 1) {
            size_t open = tok[t].find('[');
            if (open != std::string::npos) count = strtoul(tok[t].c_str() + open + 1, nullptr, 10);
        }
    }
    if (size == 0 || count == 0) {
        *error = "no parameter type in '" + decl + "'";
        return false;
    }
    p->size = size * count;
    p->align = align > 0 ? align : size;
    return true;
}

// Every .entry of ptx, in order; false (with why) on a malformed one.
inline bool parse(const std::string& ptx, std::vector<Entry>* out, std::string* error) {
    for (size_t at = ptx.find(".entry"); at != std::string::npos; at = ptx.find(".entry", at + 6)) {
        size_t i = at + 6;
        if (i < ptx.size() && !isspace((unsigned char)ptx[i])) continue;   // e.g. ".entryfoo"
        while (i < ptx.size() && isspace((unsigned char)ptx[i])) i++;
        size_t j = i;
        while (j < ptx.size() && (isalnum((unsigned char)ptx[j]) || ptx[j] == '_' || ptx[j] == '$')) j++;
        Entry e;
        e.name = ptx.substr(i, j - i);
        if (e.name.empty()) {
            *error = "an .entry without a name";
            return false;
        }
        while (j < ptx.size() && isspace((unsigned char)ptx[j])) j++;
        if (j < ptx.size() && ptx[j] == '(') {
            size_t close = ptx.find(')', j);
            if (close == std::string::npos) {
                *error = "unterminated parameter list of .entry " + e.name;
                return false;
            }
            std::string list = ptx.substr(j + 1, close - j - 1);
            size_t offset = 0;
            for (size_t s = 0; s <= list.size();) {
                size_t comma = list.find(',', s);
                if (comma == std::string::npos) comma = list.size();
                std::string decl = list.substr(s, comma - s);
                s = comma + 1;
                if (decl.find_first_not_of(" \t\r\n") == std::string::npos) continue;
                Param p;
                if (!parse_param(decl, &p, error)) {
                    *error = ".entry " + e.name + ": " + *error;
                    return false;
                }
                offset = (offset + p.align - 1) / p.align * p.align;
                p.offset = offset;
                offset += p.size;
                e.params.push_back(p);
            }
            e.param_bytes = offset;
            at = close;
        }
        out->push_back(e);
    }
    return true;
}

// A kernel's .entry in PTX form from its signature letters (kernels/emu_shim.h: p pointer, i int, l 64-bit integer,
// f float, d double).
inline std::string entry(const std::string& name, const std::string& signature) {
    std::string s = ".visible .entry " + name + "(";
    for (size_t i = 0; i < signature.size(); i++) {
        const char* type = signature[i] == 'p' ? ".u64 .ptr .global .align 1" : signature[i] == 'l' ? ".u64"
                           : signature[i] == 'i' ? ".u32" : signature[i] == 'f' ? ".f32" : ".f64";
        s += std::string(i ? ",\n" : "\n") + "\t.param " + type + " " + name + "_param_" + std::to_string(i);
    }
    return s + "\n)\n{\n\tret;\n}\n";
}

}  // namespace hostptx
