/* "a, b\nc" → ["a", "b", "c"]: trimmed, without blanks or repeats. */
function splitList(text) {
  const seen = new Set();
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item && !seen.has(item.toLowerCase()) && seen.add(item.toLowerCase()));
}

/* On a phone the topics show their names only; this button shows what each one covers. */
function paperboyTopicToggle() {
  document.querySelectorAll('.topics-toggle').forEach((toggle) => {
    const list = document.getElementById(toggle.getAttribute('aria-controls'));
    toggle.addEventListener('click', () => {
      const described = list.classList.toggle('described');
      toggle.setAttribute('aria-expanded', String(described));
      toggle.textContent = described ? 'Hide the descriptions' : 'Show what each topic covers';
    });
  });
}

/*
 * Errors next to the field they are about: `<name>-error` under the control, aria-invalid on it, focus
 * on the first one. The API's messages name the field ("email is not a valid address", "Keyword 2 (“x”)
 * must be…", "papersPerEmail: …"): fieldOf finds it, explain says it in a sentence.
 */
function paperboyFieldErrors(form) {
  const LABELS = {
    email: 'Email',
    topics: 'Topics',
    keywords: 'Keywords',
    examplePapers: 'Papers like these',
    organizations: 'Organizations',
    authors: 'Authors',
    cadence: 'How often',
    weekday: 'Weekday',
    papersPerEmail: 'Papers per email',
  };
  const ENTRIES = { Keyword: 'keywords', Organization: 'organizations', Author: 'authors', 'Example paper': 'examplePapers' };
  const box = (name) => document.getElementById(name + '-error');
  const controls = (name) =>
    name === 'topics' ? [] : Array.from(form.querySelectorAll('[name="' + name + '"]'));
  const focusTarget = (name) =>
    name === 'topics' ? form.querySelector('input[name=topics]') : controls(name)[0];

  const fieldOf = (message) => {
    const text = String(message || '');
    const entry = /^(Keyword|Organization|Author|Example paper) \d/.exec(text);
    if (entry) return ENTRIES[entry[1]];
    if (/at least one topic/i.test(text)) return 'topics';
    const named = /^(\w+)\b/.exec(text);
    return named && LABELS[named[1]] && box(named[1]) ? named[1] : undefined;
  };
  const explain = (message) => {
    let text = String(message || '').trim();
    const named = /^(\w+)(?:\.\d+)?: (.*)$/.exec(text);
    if (named && LABELS[named[1]]) text = LABELS[named[1]] + ': ' + named[2];
    text = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?…]$/.test(text) ? text : text + '.';
  };
  const clear = (name) => {
    const names = name ? [name] : Object.keys(LABELS);
    for (const each of names) {
      if (box(each)) box(each).textContent = '';
      controls(each).forEach((control) => control.removeAttribute('aria-invalid'));
    }
  };
  /* [[name, sentence], ...]: shows each, then brings the first into view with the focus on its control. */
  const report = (problems) => {
    problems.forEach(([name, text]) => {
      box(name).textContent = text;
      controls(name).forEach((control) => control.setAttribute('aria-invalid', 'true'));
    });
    const [first] = problems[0];
    const target = focusTarget(first);
    if (!target) return;
    target.focus({ preventScroll: true });
    // The whole field in view, its message included (the focus alone may leave the message off-screen).
    const area = target.closest('.field, fieldset') || target;
    area.scrollIntoView({ block: area.offsetHeight > window.innerHeight / 2 ? 'start' : 'center' });
  };
  /* A server's refusal, next to its field when it names one it can show: true if so. */
  const reportServer = (message) => {
    const name = fieldOf(message);
    if (!name) return false;
    report([[name, explain(message)]]);
    return true;
  };
  // Editing a field takes its error away; any topic, keyword or paper answers "pick at least one".
  const onEdit = (event) => {
    const name = event.target.name;
    if (!name || !LABELS[name]) return;
    clear(name);
    if (['topics', 'keywords', 'examplePapers'].includes(name)) clear('topics');
  };
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  return { clear, report, reportServer, explain };
}
