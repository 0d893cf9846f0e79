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


def first_text_offence(data):
    """The first unsafe character of batch output, or None."""
    text = data.decode("utf-8", errors="surrogateescape")
    offset = 0
    for ch in text:
        cp = ord(ch)
        size = 1 if 0xDC80 <= cp <= 0xDCFF else len(ch.encode("utf-8"))
        if 0xDC80 <= cp <= 0xDCFF:
            return offset, "byte 0x%02x that is not UTF-8" % (cp - 0xDC00)
        if (cp < 0x20 and ch not in "\t\n") or cp == 0x7F:
            return offset, "control character 0x%02x" % cp
        if 0x80 <= cp <= 0x9F:
            return offset, "C1 control U+%04X" % cp
        if cp in BIDI_AND_INVISIBLE:
            return offset, "format character U+%04X" % cp
        offset += size
    return None


def first_tty_offence(data):
    """The first byte sequence a server could use to drive the terminal."""
    for seq in HOSTILE_SEQUENCES:
        at = data.find(seq)
        if at >= 0:
            return at, "the hostile peer's own sequence %r" % seq
    at = data.find(b"\x07")
    if at >= 0:
        return at, "BEL"
    at = data.find(b"\x1b")
    while at >= 0:
        if at + 1 < len(data) and data[at + 1] in STRING_INTRODUCERS:
            return at, "%s control string" % STRING_INTRODUCERS[data[at + 1]]
        at = data.find(b"\x1b", at + 1)
    text = data.decode("utf-8", errors="surrogateescape")
    offset = 0
    for ch in text:
        cp = ord(ch)
        if 0xDC80 <= cp <= 0xDCFF:
            return offset, "raw byte 0x%02x (8-bit C1 or not UTF-8)" % (
                cp - 0xDC00)
        if 0x80 <= cp <= 0x9F:
            return offset, "C1 control U+%04X" % cp
        if cp in BIDI_AND_INVISIBLE:
            return offset, "format character U+%04X" % cp
        offset += len(ch.encode("utf-8"))
    return None


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
