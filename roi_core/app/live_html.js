// The browser side of roi_core.app.widgets.LiveHtml (an anywidget): a <style> with the widget's
// `css` (the element sits in a shadow root: the page's styles do not reach it) and a box
// whose content is the widget's `html`, replaced on each new revision; `data-revision`
// names the revision shown. `onChanges` comes from live_common.js, put in front.
export default {
  render({ model, el }) {
    const style = document.createElement("style");
    style.textContent = model.get("css");
    const box = document.createElement("div");
    el.append(style, box);
    const show = () => {
      box.innerHTML = model.get("html");
      el.dataset.revision = String(model.get("revision"));
    };
    const stop = onChanges(model, ["html", "revision"], show);
    show();
    return stop;
  },
};
