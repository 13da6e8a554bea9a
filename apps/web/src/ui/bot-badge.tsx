/** Marks a bot account next to its name (in a message and in a conversation's header). */
export function BotBadge() {
  return (
    <span className="bot-badge" title="Bot account">
      BOT
    </span>
  );
}
