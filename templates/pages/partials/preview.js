/*
 * Live preview: which recent papers the keyword being typed would have matched. On the preferences page
 * (options.token, options.rate) it is the reader's own: ranked with their ratings, each paper rateable.
 */
function paperboyPreview(textarea, box, options = {}) {
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
  // A curated topic that says the same, with more phrases: offer to tick it (the page saves it as usual).
  const curatedOffer = (curated) => {
    if (!curated) return [];
    const checkbox = document.querySelector('input[name=topics][value="' + CSS.escape(curated.id) + '"]');
    if (!checkbox || checkbox.checked) return [];
    const also = curated.alsoCovers && curated.alsoCovers.length ? ' (also ' + curated.alsoCovers.join(', ') + ')' : '';
    const offer = el('p', 'curated', 'The curated topic “' + curated.name + '” covers this too' + also + '. ');
    const tick = el('button', 'link-button', 'Tick it');
    tick.type = 'button';
    tick.addEventListener('click', () => {
      checkbox.checked = true;
      checkbox.dispatchEvent(new Event('change', { bubbles: true }));
      // This page or the sign-up page: the tick goes with the form's own button, whichever it is.
      offer.replaceChildren('“' + curated.name + '” is ticked above.');
      offer.tabIndex = -1;
      offer.focus();
    });
    offer.append(tick);
    return [offer];
  };
  const rateButtons = (paper) => {
    const group = el('span', 'rate-buttons');
    const choices = [
      ['more', 'More like this'],
      ['less', 'Not for me'],
    ].map(([verdict, label]) => {
      const button = el('button', 'chip', label);
      button.type = 'button';
      button.setAttribute('aria-pressed', 'false');
      button.setAttribute('aria-label', label + ': ' + paper.title);
      button.addEventListener('click', async () => {
        choices.forEach((choice) => (choice.disabled = true));
        try {
          await options.rate(paper.id, verdict);
          choices.forEach((choice) => choice.setAttribute('aria-pressed', String(choice === button)));
        } catch (error) {
          // The page says why (its status line); the buttons stay usable.
        } finally {
          choices.forEach((choice) => (choice.disabled = false));
        }
      });
      return button;
    });
    group.append(...choices);
    return group;
  };
  const lastDays = (days) => (days === 1 ? 'the last day' : 'the last ' + days + ' days');
  async function run() {
    const query = currentKeyword();
    if (query === lastQuery) return;
    lastQuery = query;
    if (controller) controller.abort();
    controller = undefined;
    if (query.length === 0) {
      box.replaceChildren();
      box.removeAttribute('aria-busy');
      return;
    }
    const request = new AbortController();
    controller = request;
    // What is on screen is for the previous keyword until the answer comes: say so, and dim it.
    box.setAttribute('aria-busy', 'true');
    box.querySelectorAll('.curated').forEach((offer) => offer.remove());
    const looking = el('p', 'looking', 'Looking for “' + query + '”…');
    const shown = box.querySelector('.looking');
    if (shown) shown.replaceWith(looking);
    else if (box.firstChild) box.prepend(looking);
    else box.replaceChildren(looking);
    // Only the latest request may write to the box (an older one may be cancelled mid-answer).
    const current = () => controller === request;
    // The server's own refusal ("A keyword is 2 to 100 characters…") is final for this keyword; anything
    // else (throttled, 5xx, a gateway page, no network) is asked again on the next keystroke or click.
    let final = false;
    try {
      const mine = options.token ? '&token=' + encodeURIComponent(options.token) : '';
      const response = await fetch('/api/preview?q=' + encodeURIComponent(query) + mine, {
        headers: { accept: 'application/json' },
        signal: request.signal,
      });
      const body = await response.json().catch(() => null);
      if (!current()) return;
      if (!response.ok || !body || !Array.isArray(body.papers)) {
        const refusal = response.status === 400 && body && body.error && body.error.message;
        final = !!refusal;
        showText(refusal || 'The preview is not available right now.');
        return;
      }
      final = true;
      if (body.papers.length === 0) {
        showText(
          body.days
            ? 'No paper of ' + lastDays(body.days) + ' matches “' + query + '”. New papers still might.'
            : 'No papers have arrived yet. New papers may match “' + query + '”.',
        );
        box.append(...curatedOffer(body.curated));
        return;
      }
      const intro = el('p', '', 'Papers of ' + lastDays(body.days) + ' “' + query + '” would have matched:');
      const list = el('ul');
      for (const paper of body.papers.slice(0, SHOWN)) {
        const item = el('li');
        const link = el('a', '', paper.title);
        link.href = paper.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        item.append(link);
        const words = Array.isArray(paper.matched) ? paper.matched : [];
        if (words.length || paper.related) {
          const line = el('span', 'words', words.length ? (paper.related ? 'related: ' : 'matched: ') : 'related terms');
          words.forEach((word, index) => {
            if (index) line.append(' · ');
            line.append(el('mark', '', word));
          });
          item.append(line);
        }
        if (Array.isArray(paper.because) && paper.because.length)
          item.append(el('span', 'words', paper.because.join(' · ')));
        if (options.rate) item.append(rateButtons(paper));
        list.append(item);
      }
      const more = body.papers.length - SHOWN;
      box.replaceChildren(intro, list);
      if (more > 0) box.append(el('p', 'more', 'and ' + more + ' more.'));
      box.append(...curatedOffer(body.curated));
    } catch (error) {
      if (!current()) return;
      showText('The preview is not available right now.');
    } finally {
      if (current()) {
        if (!final) lastQuery = '';
        box.removeAttribute('aria-busy');
      }
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
