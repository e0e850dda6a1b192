"""Obsidian syntax becomes plain Markdown the site engines render the same way (no engine
needed: these tests read the generated staging Markdown)."""

from __future__ import annotations

from pathlib import Path

import markdown
import yaml
from sitekit import note_page, site_pages
from vaultkit import check_json, write_vault

# The base vault (tests/vaultkit.py) has kb/Network/KB-OPS-001-vpn-drops.md, alias "VPN guide",
# published as knowledge-base/Network/KB-OPS-001-vpn-drops.md.
KB_PAGE = "knowledge-base/Network/KB-OPS-001-vpn-drops.md"
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details",
              "pymdownx.superfences", "pymdownx.tasklist"]


def html(text: str) -> str:
    """The staging Markdown as the engine renders it (Python-Markdown, the site's extensions)."""
    body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
    return markdown.markdown(body, extensions=EXTENSIONS)


def test_wikilink_by_file_name_id_and_alias(tmp_path: Path) -> None:
    text, problems = note_page(tmp_path, "[[KB-OPS-001-vpn-drops]] [[KB-OPS-001]] [[vpn guide]]\n")
    assert text.count(f"]({KB_PAGE} ") == 3
    assert "[KB-OPS-001](" in text and "[vpn guide](" in text
    assert problems == []


def test_wikilink_alias_is_the_link_text(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "See [[KB-OPS-001|the VPN fix]].\n")
    assert f'[the VPN fix]({KB_PAGE} "VPN drops for remote staff")' in text


def test_wikilink_to_a_heading_links_the_heading_anchor(tmp_path: Path) -> None:
    text, problems = note_page(tmp_path, "[[KB-OPS-001#Resolution Steps]]\n")
    assert f"[KB-OPS-001 &gt; Resolution Steps]({KB_PAGE}#resolution-steps" in text
    assert problems == []


def test_headings_get_explicit_unique_anchors(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "## Steps\n\n## Steps\n\n## Ünïcode & more\n")
    assert "## Steps { #steps }" in text
    assert "## Steps { #steps_1 }" in text
    assert "## Ünïcode &amp; more { #unicode-more }" in text
    assert '<h2 id="steps_1">' in html(text)


def test_block_reference_links_a_real_anchor(tmp_path: Path) -> None:
    files = {"vault/other.md": "---\ntitle: Other\n---\nFirst.\n\nThe key sentence. ^key\n"}
    text, problems = note_page(tmp_path, "[[other#^key|that sentence]]\n", files)
    assert "[that sentence](other.md#^key" in text
    assert problems == []
    pages = site_pages(tmp_path)
    assert '<span id="^key"></span>The key sentence.' in str(pages["other.md"])


def test_block_id_on_its_own_line_names_the_block_before(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "- one\n- two\n\n^list-id\n")
    assert '<span id="^list-id"></span>\n\n- one\n- two' in text


def test_escaped_pipe_in_a_table_cell_is_an_alias(tmp_path: Path) -> None:
    text, problems = note_page(tmp_path, "| a | b |\n|---|---|\n| [[KB-OPS-001\\|fix]] | 2 |\n")
    assert f'| [fix]({KB_PAGE} "VPN drops for remote staff") | 2 |' in text
    assert "<td><a href" in html(text)
    assert problems == []


def test_links_resolve_case_insensitively_and_by_shortest_path(tmp_path: Path) -> None:
    files = {"vault/deep/same.md": "# deep\n", "vault/same.md": "---\ntitle: Same\n---\n"}
    text, problems = note_page(tmp_path, "[[SAME]]\n", files)
    assert '[SAME](same.md "Same")' in text
    assert problems == []


def test_unresolved_link_is_shown_as_such_and_reported_with_its_line(tmp_path: Path) -> None:
    text, problems = note_page(tmp_path, "Intro.\n\nSee [[No Such Note]].\n")
    assert '<span class="ov-unresolved" title="Unresolved link: [[No Such Note]]">' in text
    assert [(p.path, p.line, p.code) for p in problems] == [("vault/note.md", 6, "unresolved-link")]


def test_ambiguous_link_is_reported_with_the_candidates(tmp_path: Path) -> None:
    files = {"kb/Access/twin.md": "# a\n", "kb/Hardware/twin.md": "# b\n"}
    text, problems = note_page(tmp_path, "[[twin]]\n", files)
    assert "ov-unresolved" in text
    assert problems[0].code == "ambiguous-link"
    assert "kb/Access/twin.md" in problems[0].message


def test_missing_heading_links_the_page_and_is_reported(tmp_path: Path) -> None:
    text, problems = note_page(tmp_path, "[[KB-OPS-001#Nope]]\n")
    assert f"]({KB_PAGE} " in text
    assert [p.code for p in problems] == ["unresolved-heading"]


def test_code_spans_and_fences_are_never_touched(tmp_path: Path) -> None:
    body = "Run `[[KB-OPS-001]] #tag %%x%%` now.\n\n```bash\necho [[x]] #tag <b>\n```\n"
    text, problems = note_page(tmp_path, body)
    assert "`[[KB-OPS-001]] #tag %%x%%`" in text
    assert "```bash\necho [[x]] #tag <b>\n```" in text
    assert problems == []


def test_image_embed_with_width(tmp_path: Path) -> None:
    files = {"vault/img/diagram.png": b"\x89PNG\r\n"}
    text, _ = note_page(tmp_path, "![[diagram.png|300]]\n\n![[diagram.png|Rack layout]]\n", files)
    assert '![diagram.png](img/diagram.png){ width="300" }' in text
    assert "![Rack layout](img/diagram.png)" in text
    assert 'width="300"' in html(text)


def test_note_embed_transcludes_the_note(tmp_path: Path) -> None:
    files = {"vault/part.md": "---\ntitle: Part\n---\nShared **text**.\n"}
    text, _ = note_page(tmp_path, "![[part]]\n", files)
    assert text.endswith('> **[part](part.md "Part")**\n>\n> Shared **text**.\n')


def test_section_embed_transcludes_only_that_section(tmp_path: Path) -> None:
    text, problems = note_page(tmp_path, "![[KB-OPS-001#Root Cause]]\n")
    assert "MTU mismatch after an ISP change." in text
    assert "Lower the MTU" not in text  # the section before
    assert "Test VPN after ISP changes" not in text  # the section after
    assert "#root-cause" in text
    assert problems == []


def test_block_embed_transcludes_the_block(tmp_path: Path) -> None:
    files = {"vault/other.md": "---\ntitle: O\n---\nNot this.\n\n- item one ^one\n- item two\n"}
    text, problems = note_page(tmp_path, "![[other#^one]]\n", files)
    assert "> - item one" in text
    assert "item two" not in text and "Not this" not in text
    assert problems == []


def test_embed_loops_and_depth_are_guarded(tmp_path: Path) -> None:
    files = {"vault/a.md": "---\ntitle: A\n---\n![[b]]\n",
             "vault/b.md": "---\ntitle: B\n---\n![[a]]\n"}
    text, problems = note_page(tmp_path, "![[a]]\n", files)
    assert text.count("**[") == 2  # a, then b; b's embed of a is only a link
    assert {(p.path, p.code) for p in problems} == {("vault/a.md", "embed-loop"),
                                                     ("vault/b.md", "embed-loop")}


def test_embed_depth_limit(tmp_path: Path) -> None:
    chain = {f"vault/n{i}.md": f"---\ntitle: N{i}\n---\nLevel {i}\n\n![[n{i + 1}]]\n"
             for i in range(6)}
    chain["vault/n6.md"] = "---\ntitle: N6\n---\nBottom\n"
    text, problems = note_page(tmp_path, "![[n0]]\n", chain)
    assert "Level 2" in text and "Level 3" not in text
    assert ("vault/n2.md", 6, "embed-depth") in [(p.path, p.line, p.code) for p in problems]


def test_callout_becomes_an_admonition(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "> [!warning] Mind the *gap*\n> Body text\n>\n> - a list\n")
    # The title keeps its markup, as Obsidian shows it.
    assert '!!! warning "Mind the *gap*"\n\n    Body text\n\n    - a list' in text
    assert '<div class="admonition warning">' in html(text)


def test_foldable_callouts_become_collapsible_blocks(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "> [!faq]- Closed\n> x\n\n> [!tip]+ Open\n> y\n\n> [!todo]\n")
    assert '??? question "Closed"' in text
    assert '???+ tip "Open"' in text
    assert '!!! todo "Todo"' in text  # its own type, styled by the site's CSS
    rendered = html(text)
    assert '<details class="question">' in rendered
    assert '<details class="tip" open="open">' in rendered


def test_plain_quote_stays_a_quote(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "> just a quote\n> [!note] not first\n")
    assert "> just a quote" in text and "!!!" not in text


def test_inline_tags_link_to_the_tag_index(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "Tagged #vpn and #area/network, not #123 or a#b.\n")
    assert "[\\#vpn](knowledge-base/tags.md#tag-vpn)" in text
    assert "[\\#area/network](knowledge-base/tags.md#tag-area-network)" in text
    assert "\\#123" in text and "a\\#b" in text


def test_front_matter_and_inline_tags_reach_the_page_and_the_tag_index(tmp_path: Path) -> None:
    pages = site_pages(tmp_path, {"vault/note.md": "---\ntitle: N\ntags: [printers]\n---\n#vpn\n"})
    assert yaml.safe_load(str(pages["note.md"]).split("---\n")[1])["tags"] == ["printers", "vpn"]
    index = str(pages["knowledge-base/tags.md"])
    assert "## printers (1) { #tag-printers }" in index
    assert "**Pages:** [N](../note.md)" in index


def test_tags_that_differ_in_case_are_one_tag_named_as_most_pages_spell_it(
        tmp_path: Path) -> None:
    pages = site_pages(tmp_path, {
        "vault/a.md": "---\ntitle: A\ntags: [VPN]\n---\nText.\n",
        "vault/b.md": "---\ntitle: B\n---\nAbout #vpn here.\n",
        "vault/c.md": "---\ntitle: C\ntags: [vpn]\n---\nText.\n"})
    index = str(pages["knowledge-base/tags.md"])
    # The base KB entry is tagged vpn too: four pages, one section, one anchor.
    assert index.count("{ #tag-vpn }") == 1 and "## VPN" not in index
    section = index.split("## vpn (4) { #tag-vpn }", 1)[1].split("\n## ", 1)[0]
    assert "**KB entries:** [VPN drops for remote staff]" in section
    assert "**Pages:** [A](../a.md), [B](../b.md), [C](../c.md)" in section


def test_comments_are_stripped(tmp_path: Path) -> None:
    body = "Visible %%inline secret%% text.\n\n%%\nblock\nprivate\n%%\n\nAfter.\n"
    text, _ = note_page(tmp_path, body)
    assert "inline secret" not in text and "private" not in text
    assert "Visible  text." in text and "After." in text


def test_private_section_is_stripped(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "Public.\n\n## Private\nOnly for IT.\n\n## Next\nShown.\n")
    assert "Only for IT" not in text
    assert "Shown." in text


def test_private_notes_are_shown_when_the_policy_says_so(tmp_path: Path) -> None:
    settings = "publish:\n  private_notes: true\n"
    text, _ = note_page(tmp_path, "A %%note%%.\n\n## Private\nShown now.\n", settings=settings)
    assert "*note*" in text and "Shown now." in text


def test_raw_html_is_shown_as_text_and_cannot_run(tmp_path: Path) -> None:
    body = ("<script>alert(1)</script>\n\nInline <img src=x onerror=alert(1)> and "
            "<b onclick=x>b</b> and <kbd>Ctrl</kbd>.\n")
    text, _ = note_page(tmp_path, body)
    rendered = html(text)
    assert "<script" not in rendered and "<img" not in rendered and "onclick=x>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<kbd>Ctrl</kbd>" in rendered


def test_attribute_lists_and_markup_in_text_stay_text(tmp_path: Path) -> None:
    body = "Paragraph\n\\{: onclick=\"alert(1)\" }\n\n\\!!! note\n\n[x](javascript:alert(1))\n"
    text, _ = note_page(tmp_path, body)
    rendered = html(text)
    assert "onclick" not in rendered.replace("{: onclick=", "")
    assert "admonition" not in rendered
    assert "href=\"javascript" not in rendered


def test_external_images_become_links(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "![logo](https://cdn.example.com/logo.png)\n")
    assert "[image: logo](https://cdn.example.com/logo.png)" in text
    assert "<img" not in html(text)


def test_markdown_links_to_notes_are_mapped_to_their_pages(tmp_path: Path) -> None:
    body = "[fix](../kb/Network/KB-OPS-001-vpn-drops.md#Root%20Cause)\n"
    text, problems = note_page(tmp_path, body)
    assert f"[fix]({KB_PAGE}#root-cause)" in text
    assert problems == []


def test_nested_lists_are_indented_for_python_markdown(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "Intro\n- a\n  - b\n- [ ] task\n")
    assert "Intro\n\n- a\n    - b\n- [ ] task" in text
    rendered = html(text)
    assert "<ul>\n<li>b</li>" in rendered and 'type="checkbox"' in rendered


def test_text_that_looks_like_markup_stays_text(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "1\\. not a list, \\# not a heading, a_b_c, 2 * 3 * 4\n")
    rendered = html(text)
    assert "<ol>" not in rendered and rendered.count("<h1") == 1 and "<em>" not in rendered


def test_callout_titles_are_text(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "> [!note]- <script>alert(1)</script> *x*\n> body\n")
    rendered = html(text)
    assert "<script" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered


def test_pages_in_subfolders_of_vault_are_published_and_linked(tmp_path: Path) -> None:
    pages = site_pages(tmp_path, {
        "vault/Guides/Onboarding.md": "# Onboarding\n\nSee [[Laptop setup]] and [[about]].\n",
        "vault/Guides/Hardware/Laptop setup.md": "---\ntags: [laptop]\n---\n# Laptop setup\n\n"
                                                 "Plug it in.\n",
        "vault/Guides/Hardware/dock.png": b"\x89PNG\r\n\x1a\n",
        "vault/boards/mine.md": "# Mine\n",  # takes a generated page's place: reported
    })
    assert "Guides/Onboarding.md" in pages
    assert "Guides/Hardware/Laptop setup.md" in pages
    onboarding = pages["Guides/Onboarding.md"]
    assert isinstance(onboarding, str)
    assert "](Hardware/Laptop%20setup.md" in onboarding
    assert "boards/mine.md" not in pages


def test_a_page_in_a_subfolder_is_checked_like_any_other(tmp_path: Path) -> None:
    write_vault(tmp_path, {"vault/Guides/Onboarding.md": "# Onboarding\n\nSee [[Nowhere]].\n"})
    _, findings = check_json(tmp_path)
    assert [(f["path"], f["code"]) for f in findings] == [("vault/Guides/Onboarding.md",
                                                           "unresolved-link")]


def test_media_embeds_are_players_with_the_built_pages_urls_and_pdfs_are_links(
        tmp_path: Path) -> None:
    files = {"vault/clips/how to.mp4": b"\x00", "vault/clips/memo.ogg": b"\x00",
             "vault/clips/manual.pdf": b"%PDF-1.4\n", "vault/clips/javascript:x.mp3": b"\x00"}
    text, problems = note_page(tmp_path, "![[how to.mp4]]\n\n![[memo.ogg|Voice memo]]\n\n"
                                         "Read ![[manual.pdf]] first.\n\n![[javascript:x.mp3]]\n",
                               files)
    assert problems == []
    # note.md is served at note/: the player's URL (raw HTML, not rewritten) starts there.
    assert ('<video class="ov-embed-video" controls preload="metadata" '
            'src="../clips/how%20to.mp4" title="how to.mp4"></video>') in text
    assert 'src="../clips/memo.ogg" title="Voice memo"></audio>\n\n[Voice memo](' in text
    assert "Read\n\n[manual.pdf](clips/manual.pdf){ .ov-embed-pdf }\n\nfirst." in text
    assert 'src="../clips/javascript-x.mp3"' in text  # published under a plain name
    assert "<iframe" not in text and "<object" not in text


def test_wikilink_to_a_web_address_is_an_external_link(tmp_path: Path) -> None:
    text, problems = note_page(tmp_path, "[[https://example.org/a#b|the docs]] and "
                                         "[[mailto:help@example.org]]\n")
    assert "[the docs](https://example.org/a#b)" in text
    assert "[mailto:help@example.org](mailto:help@example.org)" in text
    assert problems == []


def test_highlight_holds_markup_and_code_keeps_equals_signs(tmp_path: Path) -> None:
    text, _ = note_page(tmp_path, "==**Do** this== and a == b == c, `==x==`\n")
    assert "<mark>**Do** this</mark> and a == b == c, `==x==`" in text
    rendered = html(text)
    assert "<mark><strong>Do</strong> this</mark>" in rendered


def test_ambiguous_names_resolve_to_the_linking_notes_folder_first(tmp_path: Path) -> None:
    files = {"vault/a/setup.md": "---\ntitle: A setup\n---\nA.\n",
             "vault/b/setup.md": "---\ntitle: B setup\n---\nB.\n",
             "vault/b/page.md": "---\ntitle: Page\n---\n[[setup]]\n"}
    pages = site_pages(tmp_path, files)
    assert '[setup](setup.md "B setup")' in pages["b/page.md"]
    # From a third folder the two are equally near: still ambiguous, and reported.
    _, problems = note_page(tmp_path, "[[setup]]\n", files)
    assert any(p.code == "ambiguous-link" for p in problems)


def test_pages_of_one_title_are_listed_under_a_tag_in_the_same_order_every_build(
        tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    notes = {f"vault/{folder}/same.md": "---\ntitle: Same title\ntags: [dup]\n---\nText.\n"
             for folder in ("b", "a", "c", "d")}
    write_vault(tmp_path, notes)
    # Each build in a process of its own with its own string hashing, as two builds run.
    probe = ("import sys\nfrom pathlib import Path\nfrom sitekit import site_pages\n"
             "pages = site_pages(Path(sys.argv[1]))\n"
             "print([line for line in str(pages['knowledge-base/tags.md']).splitlines()"
             " if 'Same title' in line])")
    seen = {subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True,
                           text=True, check=True, cwd=Path(__file__).parent,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}
                           ).stdout for seed in range(1, 7)}
    assert len(seen) == 1
    line = seen.pop()
    assert line.index("a/same.md") < line.index("b/same.md") < line.index("c/same.md") \
        < line.index("d/same.md")
