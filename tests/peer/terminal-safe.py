#!/usr/bin/env python3
"""terminal-safe.py: check that bytes smtpscope wrote are safe for a terminal.

  terminal-safe.py text FILE...   batch output (stdout, stderr): valid UTF-8,
                                  no control character but tab and newline,
                                  no C1 control, no bidi or zero-width format
                                  character.
  terminal-safe.py tty FILE...    what the explorer wrote to its terminal
                                  (tmux pipe-pane): curses draws with CSI
                                  sequences, so ESC itself is allowed, but no
                                  OSC/DCS/APC/PM/SOS string, no BEL, no C1
                                  control (as UTF-8 or as a raw byte), no bidi
                                  override and none of the hostile peer's
                                  own sequences may appear.

Exit 0 when every file is clean; else 1, naming the first offence in each
file with its offset and the bytes around it.
"""

import re
import sys

BIDI_AND_INVISIBLE = {
    0x200B, 0x200C, 0x200D, 0x200E, 0x200F,     # zero-width, LRM, RLM
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E,     # embeddings, overrides
    0x2066, 0x2067, 0x2068, 0x2069,             # isolates
    0x061C, 0xFEFF,                             # ALM, zero-width no-break
}

# Sequences the hostile peer sends (tests/peer/hostile-peer.c, case
# "escapes"): finding one verbatim means server text reached the terminal.
HOSTILE_SEQUENCES = [
    b"\x1b]0;pwned-title",
    b"\x1b]52;c;",
    b"\x1b]8;;https://pwned.example/",
    b"\x1b[31mpwned-red",
    b"\x1b[10;10Hpwned-move",
    b"\x9b5mpwned-c1",
    b"\xe2\x80\xaepwned-bidi",
]

# ESC followed by these starts a control string a terminal acts on (title,
# clipboard, hyperlink, device control); curses never sends them to draw.
STRING_INTRODUCERS = {ord("]"): "OSC", ord("P"): "DCS", ord("_"): "APC",
                      ord("^"): "PM", ord("X"): "SOS"}


def context(data, offset):
    lo = max(0, offset - 24)
    return repr(data[lo:offset + 24])


BIDI_CLASS = "".join("\\u%04x" % cp for cp in sorted(BIDI_AND_INVISIBLE))

# Characters no batch output may hold: bytes that are not UTF-8 (decoded as
# lone surrogates), C0 controls but tab and newline, DEL, C1 controls, and
# the bidi and invisible format characters.
TEXT_BAD = re.compile("[\\udc80-\\udcff\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f"
                      + BIDI_CLASS + "]")
# In a terminal stream ESC and the C0 controls curses uses are fine.
TTY_BAD = re.compile("[\\udc80-\\udcff\\x80-\\x9f" + BIDI_CLASS + "]")


def describe(ch):
    cp = ord(ch)
    if 0xDC80 <= cp <= 0xDCFF:
        return "byte 0x%02x that is not UTF-8 (or an 8-bit C1)" % (cp - 0xDC00)
    if cp < 0x20 or cp == 0x7F:
        return "control character 0x%02x" % cp
    if cp <= 0x9F:
        return "C1 control U+%04X" % cp
    return "format character U+%04X" % cp


def first_bad(data, pattern):
    """Offset (in bytes) and description of the first match, or None."""
    text = data.decode("utf-8", errors="surrogateescape")
    m = pattern.search(text)
    if m is None:
        return None
    offset = len(text[:m.start()].encode("utf-8", errors="surrogateescape"))
    return offset, describe(m.group())


def first_text_offence(data):
    """The first unsafe character of batch output, or None."""
    return first_bad(data, TEXT_BAD)


def first_tty_offence(data):
    """The first byte sequence a server could use to drive the terminal."""
    for seq in HOSTILE_SEQUENCES:
        at = data.find(seq)
        if at >= 0:
            return at, "the hostile peer's own sequence %r" % seq
    at = data.find(b"\x07")
    if at >= 0:
        return at, "BEL"
    for intro, name in STRING_INTRODUCERS.items():
        at = data.find(bytes([0x1B, intro]))
        if at >= 0:
            return at, "%s control string" % name
    return first_bad(data, TTY_BAD)


def main(argv):
    checks = {"text": first_text_offence, "tty": first_tty_offence}
    if len(argv) < 3 or argv[1] not in checks:
        sys.stderr.write(__doc__)
        return 2
    status = 0
    for path in argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        found = checks[argv[1]](data)
        if found is not None:
            offset, what = found
            print("%s: offset %d: %s: %s" % (path, offset, what,
                                             context(data, offset)))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
