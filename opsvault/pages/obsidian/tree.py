"""A light syntax tree over markdown-it tokens: the opening token of each block or inline
element with its children. Like markdown-it's SyntaxTreeNode, but with slots, no copying and
no links back to parents: the tree has no reference cycles, so it is freed as soon as a page
is written, without the garbage collector walking every object of the vault again."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from markdown_it.token import Token

_ROOT = Token("root", "", 0)


class Node:
    __slots__ = ("children", "token", "type")

    def __init__(self, token: Token, node_type: str, children: list[Node] | None = None) -> None:
        self.token = token
        self.type = node_type
        self.children: list[Node] = children if children is not None else []

    @property
    def content(self) -> str:
        return self.token.content

    @property
    def meta(self) -> dict[Any, Any]:
        return self.token.meta

    @property
    def tag(self) -> str:
        return self.token.tag

    @property
    def info(self) -> str:
        return self.token.info

    @property
    def map(self) -> list[int] | None:
        return self.token.map

    @property
    def hidden(self) -> bool:
        return self.token.hidden

    def attrGet(self, name: str) -> str | int | float | None:
        return self.token.attrGet(name)

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def __repr__(self) -> str:
        return f"Node({self.type})"


def build_tree(tokens: Sequence[Token]) -> Node:
    """The tree of a token stream (block tokens, with inline children below `inline`)."""
    root = Node(_ROOT, "root")
    _add(root, tokens)
    return root


def _add(parent: Node, tokens: Sequence[Token]) -> None:
    stack = [parent]
    for token in tokens:
        nesting = token.nesting
        if nesting == 1:
            node = Node(token, token.type[:-5])  # `bullet_list_open` → `bullet_list`
            stack[-1].children.append(node)
            stack.append(node)
        elif nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            node = Node(token, token.type)
            stack[-1].children.append(node)
            if token.children:
                _add(node, token.children)


def parents(tree: Node) -> dict[int, Node]:
    """id(node) → its parent, for the rare questions that need one."""
    return {id(child): node for node in tree.walk() for child in node.children}
