/* Live preview: which recent papers the keyword being typed would have matched. */
function paperboyPreview(textarea, box) {
  const SHOWN = 6;
  let timer;
  let controller;
  let lastQuery = '';
  const currentKeyword = () => {
    const text = textarea.value;
    const caret = textarea.selectionStart ?? text.length;
    const start = Math.max(text.lastIndexOf(',', caret - 1), text.lastIndexOf('\n', caret - 1)) + 1;
    const ends = [text.indexOf(',', caret), text.indexOf('\n', caret)].filter((i) => i >= 0);
    return text.slice(start, ends.length ? Math.min(...ends) : text.length).trim();
  };
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const showText = (text) => box.replaceChildren(el('p', '', text));
  async function run() {
    const query = currentKeyword();
    if (query === lastQuery) return;
    lastQuery = query;
    if (controller) controller.abort();
    if (query.length === 0) {
      box.replaceChildren();
      return;
    }
    if (query.length < 2) {
      showText('Type at least 2 characters to see which recent papers a keyword matches.');
      return;
    }
    const request = new AbortController();
    controller = request;
    // What is on screen is for the previous keyword until the answer comes: say so, and dim it.
    box.setAttribute('aria-busy', 'true');
    const status = el('p', 'looking', 'Looking for “' + query + '”…');
    if (box.firstChild) box.prepend(status);
    else box.replaceChildren(status);
    let failed = false;
    try {
      const response = await fetch('/api/preview?q=' + encodeURIComponent(query), {
        headers: { accept: 'application/json' },
        signal: request.signal,
      });
      const body = await response.json().catch(() => null);
      if (!response.ok || !body || !Array.isArray(body.papers)) {
        // A 4xx explains itself; anything else may pass: ask again on the next keystroke or click.
        failed = response.status >= 500 || !body;
        showText((body && body.error && body.error.message) || 'The preview is not available right now.');
        return;
      }
      if (body.papers.length === 0) {
        showText('No paper of the last 7 days matches “' + query + '”. New papers still might.');
        return;
      }
      const intro = el('p', '', 'Papers of the last 7 days “' + query + '” would have matched:');
      const list = el('ul');
      for (const paper of body.papers.slice(0, SHOWN)) {
        const item = el('li');
        const link = el('a', '', paper.title);
        link.href = paper.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        item.append(link);
        if (Array.isArray(paper.matched) && paper.matched.length) {
          const words = el('span', 'words', paper.related ? 'related: ' : 'matched: ');
          paper.matched.forEach((word, index) => {
            if (index) words.append(' · ');
            words.append(el('mark', '', word));
          });
          item.append(words);
        }
        list.append(item);
      }
      const more = body.papers.length - SHOWN;
      box.replaceChildren(intro, list);
      if (more > 0) box.append(el('p', 'more', 'and ' + more + ' more.'));
    } catch (error) {
      if (error.name === 'AbortError') return;
      failed = true;
      showText('The preview is not available right now.');
    } finally {
      if (failed) lastQuery = '';
      if (controller === request) box.removeAttribute('aria-busy');
    }
  }
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 350);
  };
  textarea.addEventListener('input', schedule);
  textarea.addEventListener('click', schedule);
  textarea.addEventListener('keyup', (event) => {
    if (event.key.startsWith('Arrow') || event.key === 'Home' || event.key === 'End') schedule();
  });
}
