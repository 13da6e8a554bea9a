/* global window, document */
// Explains an empty page: when the app's script cannot load or run (blocked, offline, a proxy
// that mangles it), show why and offer a reload instead of a blank screen. A file, not inline:
// the server's CSP allows scripts from 'self' only. main.tsx marks #root once the app starts.
(function () {
  var shown = false;
  function show(detail) {
    var root = document.getElementById('root');
    if (shown || !root || root.dataset.app === 'started') return;
    shown = true;
    root.textContent = '';
    var box = document.createElement('div');
    box.setAttribute('role', 'alert');
    box.className = 'boot-failure';
    box.style.cssText =
      'max-width:28rem;margin:15vh auto;padding:0 1.5rem;font:16px/1.5 system-ui,sans-serif;text-align:center';
    var title = document.createElement('h1');
    title.style.cssText = 'font-size:1.4rem;margin:0 0 .5rem';
    title.textContent = 'Chatter could not load';
    var text = document.createElement('p');
    text.textContent =
      "The app's files did not arrive or could not run (" +
      detail +
      '). Check your connection, then reload. If it keeps happening, tell whoever runs this server.';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Reload';
    button.style.cssText = 'font:inherit;padding:.5rem 1.25rem;border-radius:.5rem;cursor:pointer';
    button.addEventListener('click', function () {
      window.location.reload();
    });
    box.appendChild(title);
    box.appendChild(text);
    box.appendChild(button);
    root.appendChild(box);
  }
  window.addEventListener(
    'error',
    function (e) {
      var t = e.target;
      if (t && t.tagName === 'SCRIPT') show('a script failed to load');
    },
    true,
  );
  document.addEventListener('securitypolicyviolation', function (e) {
    if (/^script-src/.test(e.effectiveDirective || e.violatedDirective || '')) {
      show('a script was blocked by the security policy');
    }
  });
  // Module scripts run before "load": if the app has not started by then, it never will.
  window.addEventListener('load', function () {
    show('the app did not start');
  });
})();
