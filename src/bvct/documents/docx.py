"""A fast DOCX template renderer: parse a template once, then fill it by joining strings.

A template is a DOCX file whose text holds ``{{ name }}`` placeholders. :func:`compile_template`
reads it once (the result is cached by the file's SHA-256): it checks the zip, parses the
parts that can hold text (document, headers, footers) with a parser that loads no DTD and
expands no entity, joins each placeholder that Word split over several runs back into one
text node, and turns each part into a program of literal XML chunks and slots. A paragraph
holding a list placeholder (``LIST_KEYS``) becomes a repeated slot: it is written once per
item, keeping its own formatting, and left out for an empty list.

:meth:`Compiled.render` fills the slots with escaped values (``& < >`` escaped, characters
XML cannot carry dropped, a line break becoming ``<w:br/>``), compresses only the parts it
filled, and writes the zip by copying every other member's compressed bytes unchanged.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import threading
import uuid
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Slot markers in the serialised part: private-use characters a template may not hold.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SLOT = re.compile(f"{_OPEN}(\\d+){_CLOSE}")

MAX_MEMBERS = 500
MAX_UNPACKED = 50 * 1024 * 1024
_DOS_TIME, _DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1  # 2026-01-01 00:00


class TemplateError(Exception):
    """The file cannot serve as a template; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class _Member:
    name: bytes
    flags: int
    method: int
    crc: int
    size: int
    raw: bytes  # as stored in the template (compressed with ``method``)


@dataclass(frozen=True)
class _Part:
    """A text part's program: ``chunks[i]`` literal, then ``slots[i]`` (len(chunks) - 1)."""

    chunks: tuple[str, ...]
    slots: tuple[tuple[str, str | _Repeat], ...]  # ("var", key) | ("list", _Repeat)


@dataclass(frozen=True)
class _Repeat:
    """A repeated paragraph: its own program, whose ``item`` slots take the list's item."""

    key: str
    chunks: tuple[str, ...]
    slots: tuple[tuple[str, str], ...]  # ("var", key) | ("item", key)


class Compiled:
    """A parsed template, ready to render any number of documents."""

    def __init__(
        self, digest: str, members: list[_Member], parts: dict[int, _Part], w: str
    ) -> None:
        self.digest = digest
        self._members = members
        self._parts = parts
        self._br = f'</{w}t><{w}br/><{w}t xml:space="preserve">'
        self._tab = f'</{w}t><{w}tab/><{w}t xml:space="preserve">'
        keys: set[str] = set()
        lists: set[str] = set()
        for part in parts.values():
            for _kind, value in part.slots:
                if isinstance(value, _Repeat):
                    lists.add(value.key)
                    keys.update(k for _, k in value.slots)
                else:
                    keys.add(value)
        self.placeholders = frozenset(keys | lists)
        self.list_placeholders = frozenset(lists)

    def _escape(self, value: object) -> str:
        text = _NOT_XML.sub("", str(value))
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "\n" in text or "\t" in text or "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            text = text.replace("\n", self._br).replace("\t", self._tab)
        return text

    def _fill(self, part: _Part, values: Mapping[str, object], escaped: dict[str, str]) -> str:
        def scalar(key: str) -> str:
            found = escaped.get(key)
            if found is None:
                raw = values.get(key, "")
                if isinstance(raw, list | tuple):
                    raw = "; ".join(str(x) for x in raw)
                found = escaped[key] = self._escape("" if raw is None else raw)
            return found

        out = [part.chunks[0]]
        for (kind, value), chunk in zip(part.slots, part.chunks[1:], strict=True):
            if kind == "var":
                out.append(scalar(value))  # type: ignore[arg-type]
            else:
                repeat = value
                assert isinstance(repeat, _Repeat)
                given = values.get(repeat.key) or ()
                items: Iterable[object] = (
                    [given] if isinstance(given, str) or not isinstance(given, Iterable) else given
                )
                for item in items:
                    text = self._escape(item)
                    out.append(repeat.chunks[0])
                    for (k, name), c in zip(repeat.slots, repeat.chunks[1:], strict=True):
                        out.append(text if k == "item" else scalar(name))
                        out.append(c)
            out.append(chunk)
        return "".join(out)

    def render(self, values: Mapping[str, object]) -> bytes:
        """The filled document's bytes: a DOCX whose unchanged members are the template's."""
        escaped: dict[str, str] = {}
        members: list[_Member] = []
        for index, member in enumerate(self._members):
            part = self._parts.get(index)
            if part is None:
                members.append(member)
                continue
            data = self._fill(part, values, escaped).encode("utf-8")
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            raw = packer.compress(data) + packer.flush()
            members.append(_Member(member.name, member.flags, 8, zlib.crc32(data), len(data), raw))
        return _write_zip(members)


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def _write_zip(members: Iterable[_Member]) -> bytes:
    """A plain zip (no data descriptors, no zip64) of members already compressed."""
    out = io.BytesIO()
    central: list[bytes] = []
    for m in members:
        offset = out.tell()
        sizes = (m.crc, len(m.raw), m.size, len(m.name))
        out.write(_LOCAL.pack(0x04034B50, 20, m.flags, m.method, _DOS_TIME, _DOS_DATE, *sizes, 0))
        out.write(m.name)
        out.write(m.raw)
        entry = (0x02014B50, 20, 20, m.flags, m.method, _DOS_TIME, _DOS_DATE, *sizes)
        central.append(_CENTRAL.pack(*entry, 0, 0, 0, 0, 0, offset) + m.name)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    n = len(central)
    out.write(_END.pack(0x06054B50, 0, 0, n, n, len(directory), start, 0))
    return out.getvalue()


def _read_members(data: bytes) -> list[tuple[_Member, bytes | None]]:
    """The zip's members as stored, each with its content if it is a text part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise TemplateError("Tệp không phải tài liệu Word (.docx).") from exc
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise TemplateError("Tệp quá lớn khi giải nén; mẫu văn bản phải là tệp Word thông thường.")
    names = [i.filename for i in infos]
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TemplateError("Tệp không phải tài liệu Word (.docx).")
    if len(set(names)) != len(names):
        raise TemplateError("Tệp không phải tài liệu Word (.docx) hợp lệ.")
    if any(n.endswith("vbaProject.bin") for n in names):
        raise TemplateError("Mẫu văn bản không được chứa macro.")
    found: list[tuple[_Member, bytes | None]] = []
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, 8):
            raise TemplateError("Tệp Word bị mã hóa hoặc nén theo cách không hỗ trợ.")
        try:
            content = archive.read(info)  # checks the CRC
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
            raise TemplateError("Tệp Word bị hỏng.") from exc
        start = info.header_offset
        name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
        begin = start + 30 + name_len + extra_len
        raw = data[begin : begin + info.compress_size]
        name = info.filename.encode("utf-8")
        flags = 0x800 if not info.filename.isascii() else 0
        member = _Member(name, flags, info.compress_type, info.CRC, info.file_size, raw)
        found.append((member, content if _TEXT_PARTS.fullmatch(info.filename) else None))
    return found


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=False
)


def _own_texts(paragraph: etree._Element) -> list[etree._Element]:
    """The paragraph's text nodes, not those of a paragraph nested in it (a text box)."""
    tag = f"{{{W_NS}}}p"
    return [t for t in paragraph.iter(f"{{{W_NS}}}t") if next(t.iterancestors(tag)) is paragraph]


def _join_split_placeholders(paragraph: etree._Element) -> None:
    """Word splits ``{{ name }}`` over runs (spelling marks, edits): move each placeholder
    whole into the text node where it starts, taking its pieces out of the others."""
    nodes = _own_texts(paragraph)
    if len(nodes) < 2:
        return
    texts = [n.text or "" for n in nodes]
    joined = "".join(texts)
    if "{{" not in joined:
        return
    bounds: list[int] = []
    position = 0
    for text in texts:
        bounds.append(position)
        position += len(text)
    for match in reversed(list(PLACEHOLDER.finditer(joined))):
        start, end = match.span()
        first = max(i for i, b in enumerate(bounds) if b <= start)
        last = max(i for i, b in enumerate(bounds) if b < end)
        if first == last:
            continue
        texts[first] = texts[first][: start - bounds[first]] + match.group(0)
        for i in range(first + 1, last):
            texts[i] = ""
        texts[last] = texts[last][end - bounds[last] :]
        # Offsets of the nodes after ``first`` no longer count: recompute them.
        bounds = []
        position = 0
        for text in texts:
            bounds.append(position)
            position += len(text)
        joined = "".join(texts)
    for node, text in zip(nodes, texts, strict=True):
        if (node.text or "") != text:
            node.text = text
            node.set(f"{{{XML_NS}}}space", "preserve")


def _compile_part(content: bytes, list_keys: frozenset[str]) -> tuple[_Part, str]:
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateError("Tệp Word bị hỏng (nội dung không đọc được).") from exc
    if root.getroottree().docinfo.doctype:
        raise TemplateError("Tệp Word không hợp lệ (có khai báo DOCTYPE).")
    prefix = next((p for p, ns in (root.nsmap or {}).items() if ns == W_NS), None)
    w = f"{prefix}:" if prefix else ""
    slot_keys: list[str] = []
    repeats: dict[str, str] = {}  # marker id -> list key

    def mark(key: str) -> str:
        slot_keys.append(key)
        return f"{_OPEN}{len(slot_keys) - 1}{_CLOSE}"

    for paragraph in list(root.iter(f"{{{W_NS}}}p")):
        _join_split_placeholders(paragraph)
        text = "".join(n.text or "" for n in _own_texts(paragraph))
        if _OPEN in text or _CLOSE in text:
            raise TemplateError("Mẫu văn bản chứa ký tự dành riêng; hãy xóa chúng.")
        used_lists = {m.group(1) for m in PLACEHOLDER.finditer(text)} & list_keys
        if len(used_lists) > 1:
            raise TemplateError(
                "Mỗi đoạn chỉ được chứa một trường danh sách; đoạn “"
                + text[:80]
                + "” có "
                + ", ".join("{{ " + k + " }}" for k in sorted(used_lists))
                + "."
            )
        if used_lists:
            marker = uuid.uuid4().hex
            repeats[marker] = used_lists.pop()
            paragraph.addprevious(etree.Comment(f"bvct-start-{marker}"))
            paragraph.addnext(etree.Comment(f"bvct-end-{marker}"))
    for node in root.iter(f"{{{W_NS}}}t"):
        if node.text and "{{" in node.text:
            node.text = PLACEHOLDER.sub(lambda m: mark(m.group(1)), node.text)
            node.set(f"{{{XML_NS}}}space", "preserve")
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode()

    def program(text: str, *, item: str | None = None) -> tuple[tuple[str, ...], tuple]:
        pieces = _SLOT.split(text)
        chunks = tuple(pieces[0::2])
        slots = []
        for index in pieces[1::2]:
            key = slot_keys[int(index)]
            slots.append(("item" if key == item else "var", key))
        return chunks, tuple(slots)

    chunks: list[str] = []
    slots: list[tuple[str, str | _Repeat]] = []
    rest = xml
    for marker, key in repeats.items():
        before, _, tail = rest.partition(f"<!--bvct-start-{marker}-->")
        inner, _, rest = tail.partition(f"<!--bvct-end-{marker}-->")
        outer_chunks, outer_slots = program(before)
        if chunks:
            chunks[-1] += outer_chunks[0]
            chunks.extend(outer_chunks[1:])
        else:
            chunks.extend(outer_chunks)
        slots.extend(outer_slots)
        inner_chunks, inner_slots = program(inner, item=key)
        slots.append(("list", _Repeat(key, inner_chunks, inner_slots)))
        chunks.append("")
    tail_chunks, tail_slots = program(rest)
    if chunks:
        chunks[-1] += tail_chunks[0]
        chunks.extend(tail_chunks[1:])
    else:
        chunks.extend(tail_chunks)
    slots.extend(tail_slots)
    return _Part(tuple(chunks), tuple(slots)), w


_CACHE: OrderedDict[str, Compiled] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 32


def compile_template(data: bytes, list_keys: frozenset[str]) -> Compiled:
    """The template parsed into a renderer, cached by the file's digest (and the list keys)."""
    digest = hashlib.sha256(data).hexdigest()
    key = digest + "|" + ",".join(sorted(list_keys))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    members: list[_Member] = []
    parts: dict[int, _Part] = {}
    w = "w:"
    for index, (member, content) in enumerate(_read_members(data)):
        members.append(member)
        if content is not None and b"{{" in content:
            parts[index], part_w = _compile_part(content, list_keys)
            if member.name == b"word/document.xml":
                w = part_w
    compiled = Compiled(digest, members, parts, w)
    with _CACHE_LOCK:
        _CACHE[key] = compiled
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled


def document_text(data: bytes) -> Sequence[str]:
    """Every paragraph's text of a DOCX, body and tables, in order (python-docx opens it)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    for section in document.sections:
        lines.extend(p.text for p in section.header.paragraphs)
    return lines
