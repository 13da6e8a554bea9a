/* global localStorage, document */
// Applies the saved theme before first paint (a file, not inline: the server's CSP allows only 'self').
try {
  var t = localStorage.getItem('chatter.theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
} catch {
  // Storage blocked: follow the system theme.
}
