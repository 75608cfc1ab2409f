// The browser side of roi_core.app.widgets.LiveUrl (an anywidget): keeps the scenario's query
// parameters in the page's address, so that a copied link reopens the scenario.
//
// The keys it manages (named in `names`, or starting with one of `prefixes`) are set to `params`,
// others are left alone (marimo's own, `lang`). The address is replaced, not pushed (a slider
// move is not a page of the history), and only once the moves have paused for `delay` ms:
// the history update, a slow call, then never holds up the figures. `onChanges` comes from
// live_common.js, put in front.
export default {
  render({ model, el }) {
    // Not a figure: benchmarks/bench_app.py leaves it out of "every figure on screen" (its
    // revision lands `delay` ms after a move, on purpose).
    el.dataset.role = "address";
    let timer = null;
    const managed = (key) => model.get("names").includes(key)
      || model.get("prefixes").some((p) => key.startsWith(p) && key.length > p.length);
    const apply = () => {
      timer = null;
      const url = new URL(window.location.href);
      const wanted = model.get("params");
      for (const key of Array.from(url.searchParams.keys())) {
        if (managed(key) && !(key in wanted)) url.searchParams.delete(key);
      }
      for (const [key, value] of Object.entries(wanted)) url.searchParams.set(key, value);
      if (url.href !== window.location.href) {
        window.history.replaceState(window.history.state, "", url.href);
      }
      el.dataset.revision = String(model.get("revision"));
    };
    const schedule = () => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(apply, model.get("delay"));
    };
    const stop = onChanges(model, ["params", "revision"], schedule);
    // Drawn after the kernel's first redraw (a link just opened): the address says at once
    // what is applied (a lever kept within its slider, a filter the workbook lacks dropped).
    if (model.get("revision") > 0) schedule();
    return () => {
      stop();
      if (timer !== null) clearTimeout(timer);
    };
  },
};
