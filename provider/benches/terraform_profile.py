#!/usr/bin/env python3
"""Where Terraform's own CPU goes in a plan, from `perf` samples.

Terraform's release binaries are stripped of their symbol table, so `perf report` shows
bare addresses. Every Go binary still carries `.gopclntab` (the runtime needs it for
stack traces); this script reads function names from it (the Go 1.20+ layout, magic
0xFFFFFFF1) and sums `perf script` samples per function, self and inclusive.

    perf record -F 5000 -g -o perf.data -- terraform plan -input=false >/dev/null
    perf script -i perf.data --comm terraform -F comm,ip,sym,dso \
        | provider/benches/terraform_profile.py [/usr/local/bin/terraform]

perf prints the addresses of an unsymbolised non-PIE executable relative to its first
mapping, which Go links at 0x400000.
"""

import bisect
import collections
import struct
import sys

GO_IMAGE_BASE = 0x400000
PCLNTAB_MAGIC_GO120 = 0xFFFFFFF1


def elf_section(data, wanted):
    """(file offset, size) of the ELF64 section called `wanted`."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def header(i):
        return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)

    names_offset = header(shstrndx)[4]
    for i in range(shnum):
        name_index, _, _, _, offset, size = header(i)
        start = names_offset + name_index
        if data[start:data.index(b"\0", start)].decode() == wanted:
            return offset, size
    sys.exit(f"no {wanted} section: not a Go binary?")


def go_functions(path):
    """Sorted (entry address, name) of every function in the Go binary at `path`."""
    data = open(path, "rb").read()
    offset, size = elf_section(data, ".gopclntab")
    tab = data[offset:offset + size]
    magic, = struct.unpack_from("<I", tab, 0)
    if magic != PCLNTAB_MAGIC_GO120:
        sys.exit(f"unsupported .gopclntab magic {magic:#x} (built before Go 1.20?)")
    nfunc, _, text_start, funcname_off, _, _, _, pcln_off = struct.unpack_from("<8Q", tab, 8)
    functions = []
    for i in range(nfunc):
        entry_off, func_off = struct.unpack_from("<II", tab, pcln_off + i * 8)
        _, name_off = struct.unpack_from("<Ii", tab, pcln_off + func_off)
        start = funcname_off + name_off
        name = tab[start:tab.index(b"\0", start)].decode(errors="replace")
        functions.append((text_start + entry_off, name))
    functions.sort()
    return functions


def samples(lines):
    """The frames (innermost first) of each sample in `perf script` output."""
    block = []
    for line in lines:
        if line.strip():
            block.append(line)
            continue
        if block:
            yield block[1:]
        block = []
    if block:
        yield block[1:]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "/usr/local/bin/terraform"
    functions = go_functions(binary)
    entries = [address for address, _ in functions]

    def name_of(frame):
        fields = frame.split()
        if fields[-1] != f"({binary})":
            return fields[1] if len(fields) > 2 else fields[-1]
        address = int(fields[0], 16) + GO_IMAGE_BASE
        i = bisect.bisect_right(entries, address) - 1
        return functions[i][1] if i >= 0 else "?"

    own = collections.Counter()
    inclusive = collections.Counter()
    total = 0
    for frames in samples(sys.stdin):
        names = [name_of(f) for f in frames if f.strip()]
        if not names:
            continue
        total += 1
        own[names[0]] += 1
        inclusive.update(set(names))
    print(f"{total} samples")
    for title, counter, limit in (("self", own, 30), ("inclusive", inclusive, 60)):
        print(f"== {title}")
        for name, count in counter.most_common(limit):
            print(f"{100 * count / total:5.1f}% {name}")


if __name__ == "__main__":
    main()
