"""Obsidian `%% comments %%`: never shown by Obsidian, so private unless the policy says so.

A comment may sit inside a line (`inline_comment` token) or span lines and blocks
(`block_comment` token, from a line that starts with `%%` to the line that closes it). An
unclosed comment runs to the end of the note, as in Obsidian: hiding too much is safer than
publishing a private note by accident.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

MARKER = "%%"


def comment_plugin(md: MarkdownIt) -> None:
    """Adds `block_comment` and `inline_comment` tokens; `content` is the comment's text."""

    def block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        begin = state.bMarks[start_line] + state.tShift[start_line]
        if state.sCount[start_line] - state.blkIndent >= 4:
            return False
        if not state.src.startswith(MARKER, begin):
            return False
        first_end = state.eMarks[start_line]
        # A comment that also closes on its first line and is followed by text is inline.
        closing = state.src.find(MARKER, begin + 2, first_end)
        if closing != -1 and state.src[closing + 2:first_end].strip():
            return False
        if silent:
            return True
        line = start_line
        if closing == -1:
            line += 1
            while line < end_line:
                line_start = state.bMarks[line] + state.tShift[line]
                if state.src.find(MARKER, line_start, state.eMarks[line]) != -1:
                    break
                line += 1
        end = min(line + 1, end_line)
        token = state.push("block_comment", "", 0)
        token.map = [start_line, end]
        token.content = "\n".join(
            state.src[state.bMarks[n] + state.tShift[n]:state.eMarks[n]] for n in
            range(start_line, end)).strip().removeprefix(MARKER).removesuffix(MARKER).strip()
        state.line = end
        return True

    def inline_rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not state.src.startswith(MARKER, start):
            return False
        closing = state.src.find(MARKER, start + 2)
        end = len(state.src) if closing == -1 else closing + 2
        if not silent:
            token = state.push("inline_comment", "", 0)
            token.content = state.src[start + 2:closing if closing != -1 else end].strip()
        state.pos = end
        return True

    md.block.ruler.before("fence", "obsidian_comment", block_rule,
                          {"alt": ["paragraph", "blockquote", "list"]})
    md.inline.ruler.before("text", "obsidian_comment", inline_rule)
