"""The book's page of common mistakes (book/common_mistakes.md) sends readers to real sections:
every link names an existing chapter, and every "§N" after it is a numbered heading of that chapter
whose title starts with the words the page gives."""
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "book" / "common_mistakes.md"
# "[04 §4](../chapters/04_losses.ipynb) Gaussian likelihood → mean squared error"
REFERENCE = re.compile(r"\[(\d\d) §(\d+(?:\.\d+)*)\]\(\.\./chapters/([^)]+)\)\s*([^;|]*)")


def headings(notebook):
    """{section number: heading title} of a chapter's numbered markdown headings."""
    found = {}
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                hit = re.match(r"#+\s+(\d+(?:\.\d+)*)[.\s·]+\s*(.*)", line)
                if hit:
                    found[hit.group(1)] = hit.group(2)
    return found


def plain(text):
    return re.sub(r"[^a-z0-9]+", " ", re.sub(r"\$[^$]*\$", "", text.lower())).split()


def test_every_reference_is_a_real_section():
    refs = REFERENCE.findall(PAGE.read_text())
    assert len(refs) >= 20, f"expected the page's references, found {len(refs)}"
    wrong = []
    for number, section, file, title in refs:
        notebook = REPO / "chapters" / file
        if not notebook.is_file() or not file.startswith(number):
            wrong.append(f"{number} §{section}: no chapter {file}")
            continue
        sections = headings(notebook)
        if section not in sections:
            wrong.append(f"{file}: no section {section}")
        elif plain(title)[:3] != plain(sections[section])[:3]:
            wrong.append(f"{file} §{section} is {sections[section]!r}, the page says {title.strip()!r}")
    assert not wrong, "\n".join(wrong)


def test_the_readme_and_the_book_link_the_page():
    assert "book/common_mistakes.md" in (REPO / "README.md").read_text()
    assert "common_mistakes" in (REPO / "book" / "_toc.yml").read_text()
