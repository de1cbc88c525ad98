//! Keeping the keyboard inside a modal dialog. A native modal `<dialog>` already makes the
//! page behind it inert and gives focus back on closing, but Tab past its last field leaves
//! for the browser's own controls: this wraps it round to the first (and Shift+Tab back).

/// What Tab can land on.
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
     select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

/// On Tab from the last focusable element inside `container` (Shift+Tab from the first),
/// moves focus to the other end instead of out.
#[cfg(feature = "hydrate")]
pub fn wrap_tab(ev: &leptos::ev::KeyboardEvent, container: &web_sys::Element) {
    use leptos::wasm_bindgen::JsCast;
    if ev.key() != "Tab" {
        return;
    }
    let Ok(found) = container.query_selector_all(FOCUSABLE) else {
        return;
    };
    // Only what is shown: a field of a hidden tab cannot take focus.
    let shown: Vec<web_sys::HtmlElement> = (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|element| element.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (shown.first(), shown.last()) else {
        return;
    };
    let active = leptos::prelude::document().active_element();
    let is = |element: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|active| element.is_same_node(Some(active)))
    };
    let target = match (ev.shift_key(), is(first), is(last)) {
        (false, _, true) => first,
        (true, true, _) => last,
        _ => return,
    };
    ev.prevent_default();
    let _ = target.focus();
}
