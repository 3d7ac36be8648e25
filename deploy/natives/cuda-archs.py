#!/usr/bin/env python3
"""Lists the GPU code a shared library carries: the SM architectures of its machine code (SASS) and of its PTX.

cuobjdump (--list-elf / --list-ptx) says the same, but it ships only with a full CUDA toolkit; NVIDIA's pip wheels
(from which this project's build machine gets nvcc) leave it out. This reads the library's .nv_fatbin section:
a run of fat binary containers (magic 0xBA55ED50: u32 magic, u16 version, u16 header size, u64 size of the
entries), each a run of entries (u16 kind, 1 = PTX, 2 = ELF; u32 entry header size at 4; u64 payload size at 8;
u32 SM architecture at 28), payloads following their headers. Only headers are read, so compression does not
matter.

Usage: cuda-archs.py LIB...   prints {"LIB": {"elf": [75, ...], "ptx": [120], "entries": N}} as JSON.
"""
import json
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50
KIND_PTX, KIND_ELF = 1, 2


def section(path, wanted):
    """Bytes of one ELF64 section, or None when the library has none of that name."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError(f"{path}: not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_off = headers[shstrndx][4]
    for h in headers:
        name_start = names_off + h[0]
        name = data[name_start:data.index(b"\0", name_start)].decode()
        if name == wanted:
            return data[h[4]:h[4] + h[5]]
    return None


def archs(path):
    fatbin = section(path, ".nv_fatbin")
    result = {"elf": set(), "ptx": set(), "entries": 0}
    if fatbin is None:
        return result
    pos = fatbin.find(struct.pack("<I", FATBIN_MAGIC))
    while pos >= 0:
        _, _, header_size, entries_size = struct.unpack_from("<IHHQ", fatbin, pos)
        entry = pos + header_size
        end = entry + entries_size
        while entry + 32 <= end:
            kind, _, entry_header_size, payload_size = struct.unpack_from("<HHIQ", fatbin, entry)
            arch, = struct.unpack_from("<I", fatbin, entry + 28)
            if entry_header_size == 0:
                break
            if kind == KIND_ELF:
                result["elf"].add(arch)
            elif kind == KIND_PTX:
                result["ptx"].add(arch)
            result["entries"] += 1
            entry += entry_header_size + payload_size
        pos = fatbin.find(struct.pack("<I", FATBIN_MAGIC), max(end, pos + 4))
    return result


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 64
    out = {}
    for p in paths:
        r = archs(p)
        out[p] = {"elf": sorted(r["elf"]), "ptx": sorted(r["ptx"]), "entries": r["entries"]}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
