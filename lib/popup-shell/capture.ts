/**
 * Takes the screen copy (screen-copy.ts) from the popup's own DOM, through its allow-list. Kept
 * apart from the painting so that the page's first script does not carry it: only the app takes copies.
 *
 * The copy is a picture: inert, nothing in it is read out (screen-reader-only text is left out) or
 * used. A <select> is drawn as the span it looks like (`.select-copy` in base.css: every option's text
 * in one grid cell, only the chosen one visible, so the box is the select's own width): in pages
 * served like the popup's, a select cost more to lay out than the rest of the first screen.
 */
import { ATTRIBUTES, FIRST_SCREEN_ROWS, TAGS, type CopiedElement } from './screen-copy';

/** What capture() reads of a DOM node. */
interface NodeLike {
  nodeType: number;
  textContent: string | null;
}
interface ElementLike extends NodeLike {
  tagName: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  childNodes: ArrayLike<NodeLike>;
  selected?: boolean;
  checked?: boolean;
}

const TEXT = 3;
const ELEMENT = 1;

const elementsOf = (element: ElementLike) =>
  Array.from(element.childNodes).filter((child): child is ElementLike => child.nodeType === ELEMENT);

/** A select as the span it looks like: each option's text, all but the chosen one hidden. */
function selectPicture(select: ElementLike, id: string | undefined): CopiedElement {
  const options = elementsOf(select).filter((o) => o.tagName.toLowerCase() === 'option');
  const chosen = options.find((o) => o.selected) ?? options[0];
  const shown = options.map((o): CopiedElement => ['span', o === chosen ? {} : { class: 'select-copy-other' }, [o.textContent ?? '']]);
  return ['span', { class: 'select-copy', ...(id === undefined ? {} : { id }) }, shown];
}

const TEXT_FIELDS = new Set(['text', 'search']);

/** A text field as the box it looks like, with its placeholder: never what was typed in it. */
function fieldPicture({ class: cls, placeholder }: Record<string, string>): CopiedElement {
  return ['span', { class: cls ? `field-copy ${cls}` : 'field-copy' }, placeholder ? [placeholder] : []];
}

/** The allowed part of `element`'s subtree; null when the element itself is not allowed. */
export function capture(element: ElementLike): CopiedElement | null {
  const tag = element.tagName.toLowerCase();
  const attributes: Record<string, string> = {};
  for (const { name, value } of Array.from(element.attributes)) {
    if (name === 'data-no-copy') return null;
    if (ATTRIBUTES.test(name)) attributes[name] = value;
  }
  if (attributes.class?.split(' ').includes('visually-hidden')) return null; // a picture is not read out
  if (tag === 'select') return selectPicture(element, attributes.id);
  if (tag === 'input' && TEXT_FIELDS.has(attributes.type ?? 'text')) return fieldPicture(attributes);
  if (!TAGS.has(tag)) return null;
  if (element.checked) attributes.checked = ''; // Preact sets it as a property: the copy must show the same choice
  if (attributes.role === 'status') return [tag, attributes, []]; // results are news once, not state
  const children: Array<CopiedElement | string> = [];
  let rows = 0;
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === TEXT) children.push(child.textContent ?? '');
    if (child.nodeType !== ELEMENT) continue;
    const copied = capture(child as ElementLike);
    if (!copied) continue;
    if (tag === 'ul' && ++rows > FIRST_SCREEN_ROWS) break;
    children.push(copied);
  }
  return [tag, attributes, children];
}
