// One panel per embed: `view=NAME` with `embed=1` shows the figure whose
// `data-view` is NAME alone, sized to the frame, with play, pause and reset only
// (style.css, body.single-view); `autoplay=0|1` says whether it trains at once.
// The embed snippet offers the choice of view.

const $ = (id) => document.getElementById(id);

/** The keys of the configuration that say how the page is shown, not what the
 *  main run is (`compare`: whether the reference learners run beside it). */
export const SHOW_KEYS = ['embed', 'view', 'autoplay', 'compare'];

/** `to` with the SHOW_KEYS of `from`. */
export function keepShow(to, from) {
  for (const k of SHOW_KEYS) to[k] = from[k];
  return to;
}

/** Every panel a page can show alone, in page order. */
export const views = () => [...document.querySelectorAll('#plots > figure[data-view]')].map((f) => f.dataset.view);

/** Shows the configuration's one view, if it asks for one; returns a notice when
 *  that panel has nothing to show for the task, else ''. */
export function applyView(c) {
  const single = !!(c.embed && c.view);
  document.body.classList.toggle('single-view', single);
  let notice = '';
  for (const f of document.querySelectorAll('#plots > figure[data-view]')) {
    const on = single && f.dataset.view === c.view;
    f.classList.toggle('view-active', on);
    if (on && f.hidden) notice = `The view "${c.view}" has nothing to show for this task; choose another in the address.`;
  }
  return notice;
}

/** Fills the snippet's choice of view; `changed()` when the visitor picks one. */
export function initEmbedChoice(changed) {
  const sel = $('embed-view');
  for (const v of views()) sel.append(new Option(`only the ${v} panel`, v));
  sel.onchange = changed;
  $('embed-autoplay').onchange = changed;
}

/** The iframe code for the configuration `c` (printed by `printHash`). */
export function embedSnippet(base, c, printHash) {
  const view = $('embed-view').value || null;
  const hash = printHash({ ...c, embed: true, view, autoplay: $('embed-autoplay').checked ? null : false });
  const [w, h] = view ? (view === 'circuit' ? [720, 720] : [560, 520]) : [1000, 900];
  return `<iframe src="${base}${hash}"\n        width="${w}" height="${h}" style="border:0"\n` +
    `        title="Dendritic cortical microcircuit simulation${view ? `: ${view}` : ''}"></iframe>`;
}
