// What a message's thread, star and forward actions may open: provided by the conversation view.
import { createContext } from 'react';
import type { MessageFieldsFragment } from '@chatter/client';

export interface ThreadUi {
  /** Opens the thread pane under this root. */
  openThread: (rootId: string) => void;
  /** Opens the conversation picker to forward this message. */
  forward: (message: MessageFieldsFragment) => void;
}

export const ThreadUiContext = createContext<ThreadUi | null>(null);
