"""A seccomp filter for the sandbox: no new namespaces from inside it.

bubblewrap's `--disable-userns` needs a user namespace of its own, which the grader does not make when it
runs as root (the worker changes its user id instead). This filter, handed to `bwrap --seccomp`, closes
the same door in both cases: `unshare` and `setns` fail with EPERM, `clone` with any namespace flag
fails with EPERM, and `clone3` (whose flags a filter cannot read) fails with ENOSYS, so that the C
library falls back to `clone`, as it does in Docker's default profile. Every other system call is
allowed. Only x86-64 and arm64 are known; elsewhere the sandbox runs without the filter.
"""

from __future__ import annotations

import platform
import struct

# Classic BPF instructions (linux/filter.h, linux/bpf_common.h) and seccomp's return values.
LOAD_WORD = 0x20  # BPF_LD | BPF_W | BPF_ABS
JUMP_EQUAL, JUMP_GREATER_EQUAL, JUMP_SET = 0x15, 0x35, 0x45  # BPF_JMP | BPF_JEQ / BPF_JGE / BPF_JSET | BPF_K
RETURN = 0x06  # BPF_RET | BPF_K
ALLOW, ERRNO = 0x7FFF0000, 0x00050000
EPERM, ENOSYS = 1, 38

#: Offsets in `struct seccomp_data`: the system call's number, the architecture, the first argument.
NUMBER, ARCH, FIRST_ARGUMENT = 0, 4, 16

#: clone()'s namespace flags: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

#: Per machine: the audit architecture and the numbers of unshare, setns, clone and clone3.
MACHINES = {
    "x86_64": (0xC000003E, {"unshare": 272, "setns": 308, "clone": 56, "clone3": 435}),
    "aarch64": (0xC00000B7, {"unshare": 97, "setns": 268, "clone": 220, "clone3": 435}),
}


def _op(code: int, k: int, jump_true: int = 0, jump_false: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jump_true, jump_false, k)


def namespace_filter(machine: str | None = None) -> bytes | None:
    """The compiled filter for this machine (a `struct sock_filter` array), or None if it is not known."""
    known = MACHINES.get(machine or platform.machine())
    if known is None:
        return None
    arch, numbers = known
    deny, no_such_call = _op(RETURN, ERRNO | EPERM), _op(RETURN, ERRNO | ENOSYS)
    program = [                                     # index: what it does
        _op(LOAD_WORD, ARCH),                       # 0
        _op(JUMP_EQUAL, arch, 1, 0),                # 1: this machine's calls go on to 3
        deny,                                       # 2: another ABI (32-bit calls on a 64-bit kernel)
        _op(LOAD_WORD, NUMBER),                     # 3
        _op(JUMP_GREATER_EQUAL, 0x40000000, 8, 0),  # 4: x32 numbers on x86-64 -> 13
        _op(JUMP_EQUAL, numbers["unshare"], 7, 0),  # 5: -> 13
        _op(JUMP_EQUAL, numbers["setns"], 6, 0),    # 6: -> 13
        _op(JUMP_EQUAL, numbers["clone3"], 6, 0),   # 7: -> 14
        _op(JUMP_EQUAL, numbers["clone"], 1, 0),    # 8: -> 10
        _op(RETURN, ALLOW),                         # 9: any other call
        _op(LOAD_WORD, FIRST_ARGUMENT),             # 10: clone's flags (their low 32 bits)
        _op(JUMP_SET, NAMESPACE_FLAGS, 1, 0),       # 11: -> 13
        _op(RETURN, ALLOW),                         # 12: a thread or a process, no new namespace
        deny,                                       # 13
        no_such_call,                               # 14
    ]
    return b"".join(program)
