import { useEffect, useRef, type ReactNode } from 'react';
import { Icon } from './icons';

/** A full-height pane with a header (back link on phones) and scrolling content. */
export function Page({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  // Moving to a page moves keyboard and screen-reader focus to its title.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus({ preventScroll: true }), []);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page__header">
        <a className="icon-button page__back" href="#/" aria-label="Back to chats">
          <Icon name="back" />
        </a>
        <h2 id="page-title" ref={heading} tabIndex={-1}>
          {title}
        </h2>
        {actions}
      </header>
      <div className="page__body">{children}</div>
    </section>
  );
}
