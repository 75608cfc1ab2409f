// The browser side of roi_core.app.widgets.LiveLevers (an anywidget): the scenario's sliders.
//
// `groups` lays them out (a collapsible <details> per group, a labelled native range input
// per lever); `values` holds each slider's value. A slider moved by the viewer shows its
// value at once and, once released (every key press, the end of a drag), sends the new
// `values` to the kernel, which redraws the figures: no cell of the notebook runs.
// When the kernel sets the values (reset, a scenario file), `revision` changes and the
// inputs follow. `onChanges` comes from live_common.js, put in front.
export default {
  render({ model, el }) {
    const style = document.createElement("style");
    style.textContent = model.get("css");
    const box = document.createElement("div");
    box.className = "roi-levers";
    el.append(style, box);
    const inputs = new Map();
    let formatter = null;
    const format = (value) => formatter.format(value);
    const valueOf = (key) => {
      const value = model.get("values")[key];
      return value === undefined ? 1 : value;
    };

    const build = () => {
      formatter = new Intl.NumberFormat(model.get("locale"), {
        minimumFractionDigits: 2, maximumFractionDigits: 2 });
      const open = new Set(Array.from(box.querySelectorAll("details[open]"))
        .map((d) => d.dataset.index));
      box.replaceChildren();
      inputs.clear();
      model.get("groups").forEach((group, index) => {
        const details = document.createElement("details");
        details.dataset.index = String(index);
        details.open = open.has(String(index));
        const summary = document.createElement("summary");
        summary.textContent = group.title;
        details.append(summary);
        for (const lever of group.levers) {
          const row = document.createElement("div");
          row.className = "roi-lever";
          const id = `lever-${Math.random().toString(36).slice(2)}`;
          const label = document.createElement("label");
          label.htmlFor = id;
          label.textContent = lever.label;
          const shown = document.createElement("output");
          shown.htmlFor = id;
          const input = document.createElement("input");
          Object.assign(input, { id, type: "range", min: String(lever.min),
                                 max: String(lever.max), step: String(lever.step) });
          input.dataset.key = lever.key;
          input.value = String(valueOf(lever.key));
          shown.textContent = format(Number(input.value));
          input.addEventListener("input", () => {
            shown.textContent = format(Number(input.value));
          });
          input.addEventListener("change", () => {
            model.set("values", { ...model.get("values"), [lever.key]: Number(input.value) });
            model.save_changes();
          });
          const head = document.createElement("div");
          head.className = "roi-lever-head";
          head.append(label, shown);
          row.append(head, input);
          details.append(row);
          inputs.set(lever.key, { input, shown });
        }
        box.append(details);
      });
    };
    // Values set by the kernel: the inputs follow.
    const follow = () => {
      for (const [key, { input, shown }] of inputs) {
        input.value = String(valueOf(key));
        shown.textContent = format(Number(input.value));
      }
    };
    const stopGroups = onChanges(model, ["groups", "locale"], build);
    const stopValues = onChanges(model, ["revision"], follow);
    build();
    return () => {
      stopGroups();
      stopValues();
    };
  },
};
