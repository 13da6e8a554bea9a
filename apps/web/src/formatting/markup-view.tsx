import { Fragment, type ReactNode } from 'react';
import type { Block, Inline } from './markup';

/** Renders a markup tree; `text` renders the plain leaves (mentions and links). */
export function MarkupView({
  blocks,
  text,
}: {
  blocks: readonly Block[];
  text: (value: string, key: string) => ReactNode;
}): ReactNode {
  const inline = (nodes: readonly Inline[], prefix: string): ReactNode[] =>
    nodes.map((n, i) => {
      const key = `${prefix}.${i}`;
      switch (n.type) {
        case 'text':
          return <Fragment key={key}>{text(n.text, key)}</Fragment>;
        case 'code':
          return (
            <code key={key} className="md-code">
              {n.text}
            </code>
          );
        case 'bold':
          return <strong key={key}>{inline(n.children, key)}</strong>;
        case 'italic':
          return <em key={key}>{inline(n.children, key)}</em>;
        case 'strike':
          return <s key={key}>{inline(n.children, key)}</s>;
      }
    });
  const block = (b: Block, key: string): ReactNode => {
    switch (b.type) {
      case 'paragraph':
        return (
          <span key={key} className="md-p">
            {inline(b.children, key)}
          </span>
        );
      case 'codeBlock':
        return (
          <pre key={key} className="md-pre">
            <code>{b.text}</code>
          </pre>
        );
      case 'quote':
        return (
          <blockquote key={key} className="md-quote">
            {b.children.map((c, i) => block(c, `${key}.${i}`))}
          </blockquote>
        );
      case 'list': {
        const items = b.items.map((item, i) => <li key={i}>{inline(item, `${key}.${i}`)}</li>);
        return b.ordered ? (
          <ol key={key} className="md-list">
            {items}
          </ol>
        ) : (
          <ul key={key} className="md-list">
            {items}
          </ul>
        );
      }
    }
  };
  return <>{blocks.map((b, i) => block(b, String(i)))}</>;
}
