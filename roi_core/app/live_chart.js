// The browser side of roi_core.app.widgets.LiveChart (an anywidget).
//
// Bundled with Vega-Embed, Vega-Lite and Vega by vl-convert (no network): `vegaEmbed` is
// the bundle's name for Vega-Embed. A new spec whose layout (the spec without its datasets) is
// the one on screen only swaps the rows of its datasets in the running Vega view: no
// Vega-Lite compilation, no new view, no new canvas. Any other spec is embedded anew.
// After each draw, the element's `data-revision` names the revision drawn (tests and the
// benchmark wait on it) and its `vegaView` property is the Vega view drawn. `onChanges`
// comes from live_common.js, put in front of this file.

function layoutKey(spec) {
  const { datasets, ...layout } = spec;
  return JSON.stringify(layout);
}

export default {
  render({ model, el }) {
    const box = document.createElement("div");
    box.style.width = "100%";
    el.appendChild(box);
    let api = null;
    let layout = null;
    let queue = Promise.resolve();

    const draw = async () => {
      const spec = model.get("spec");
      const revision = String(model.get("revision"));
      if (!spec) {
        if (api) api.finalize();
        api = null;
        layout = null;
      } else if (api && layoutKey(spec) === layout) {
        const view = api.view;
        for (const [name, rows] of Object.entries(spec.datasets || {})) {
          view.data(name, structuredClone(rows));  // replaces every row of the dataset
        }
        await view.runAsync();
      } else {
        if (api) api.finalize();
        api = null;  // a failed embed leaves no view behind
        layout = null;
        api = await vegaEmbed(box, structuredClone(spec), {
          actions: false,
          renderer: model.get("renderer"),
        });
        layout = layoutKey(spec);
      }
      // The running Vega view, for tests and the browser's console: view.data(name).
      el.vegaView = api ? api.view : null;
      el.dataset.revision = revision;
    };
    // One draw after the other: a move during an embed waits for it.
    const schedule = () => {
      queue = queue.then(draw).catch((error) => {
        box.textContent = `Chart error: ${error.message}`;
      });
    };
    const stop = onChanges(model, ["spec", "revision"], schedule);
    schedule();
    return () => {
      stop();
      if (api) api.finalize();
    };
  },
};
