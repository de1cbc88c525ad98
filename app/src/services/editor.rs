//! The description editor. Without JavaScript it is a textarea of HTML, posted with its
//! form. Once hydrated, a toolbar and an editable area take its place and write their HTML
//! back into the (hidden) textarea, so the form posts the same field either way. Whatever
//! arrives is sanitized on the server.
//!
//! Only stored, sanitized HTML is ever rendered as markup (the editable area). What a refused
//! plain post sends back through the URL goes into the textarea, as text: a crafted link can
//! put words there, never a script.

use crate::kit::i18n::use_locale;
use leptos::prelude::*;

/// (command, value, label key): the toolbar's formatting commands.
const COMMANDS: &[(&str, &str, &str)] = &[
    ("formatBlock", "h2", "svc.editor.heading"),
    ("formatBlock", "h3", "svc.editor.subheading"),
    ("formatBlock", "p", "svc.editor.paragraph"),
    ("bold", "", "svc.editor.bold"),
    ("italic", "", "svc.editor.italic"),
    ("insertUnorderedList", "", "svc.editor.bullets"),
    ("insertOrderedList", "", "svc.editor.numbers"),
];

#[cfg(feature = "hydrate")]
fn exec(command: &str, value: &str) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(doc) = document().dyn_ref::<web_sys::HtmlDocument>() {
        let _ = doc.exec_command_with_show_ui_and_value(command, false, value);
    }
}

#[cfg(feature = "hydrate")]
fn ask(message: &str) -> Option<String> {
    window()
        .prompt_with_message_and_default(message, "https://")
        .ok()
        .flatten()
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
}

#[component]
pub fn RichTextEditor(
    /// The form field's name.
    name: &'static str,
    /// The saved description, sanitized by the server when it was stored and when read.
    saved_html: String,
    /// What a refused plain post typed, shown as source text in the textarea.
    typed: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let enhanced = RwSignal::new(false);
    let area = NodeRef::<leptos::html::Div>::new();
    let field = NodeRef::<leptos::html::Textarea>::new();
    // Effects run only in the browser: the server renders the plain textarea.
    Effect::new(move |_| enhanced.set(true));
    let sync = move || {
        if let (Some(area), Some(field)) = (area.get_untracked(), field.get_untracked()) {
            field.set_value(&area.inner_html());
        }
    };
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let run = move |command: &'static str, value: &'static str| {
        #[cfg(feature = "hydrate")]
        {
            let prompt_value;
            let value = match command {
                "createLink" => {
                    prompt_value = ask(locale.t("svc.editor.link_prompt"));
                    match prompt_value.as_deref() {
                        Some(url) => url,
                        None => return,
                    }
                }
                "insertImage" => {
                    prompt_value = ask(locale.t("svc.editor.image_prompt"));
                    match prompt_value.as_deref() {
                        Some(url) => url,
                        None => return,
                    }
                }
                _ => value,
            };
            if let Some(area) = area.get_untracked() {
                let _ = area.focus();
            }
            exec(command, value);
            sync();
        }
    };
    let tool = move |command: &'static str, value: &'static str, label: &'static str| {
        view! {
            <button type="button" class="button small" title=locale.t(label)
                // Keeps the selection in the editable area.
                on:mousedown=|ev| ev.prevent_default()
                on:click=move |_| run(command, value)>
                {locale.t(label)}
            </button>
        }
    };
    view! {
        <div class="rte" data-testid="rich-text">
            <div class="rte-toolbar" role="toolbar" aria-label=locale.t("svc.description") hidden=move || !enhanced.get()>
                {COMMANDS.iter().map(|(c, v, l)| tool(c, v, l)).collect_view()}
                {tool("createLink", "", "svc.editor.link")}
                {tool("insertImage", "", "svc.editor.image")}
                {tool("insertHTML", "<table><tbody><tr><td>&nbsp;</td><td>&nbsp;</td></tr><tr><td>&nbsp;</td><td>&nbsp;</td></tr></tbody></table><p></p>", "svc.editor.table")}
                {tool("removeFormat", "", "svc.editor.clear")}
            </div>
            <div class="rte-area rich-text" contenteditable="true" role="textbox" aria-multiline="true"
                aria-label=locale.t("svc.description") node_ref=area hidden=move || !enhanced.get()
                inner_html=saved_html.clone() on:input=move |_| sync() on:blur=move |_| sync()></div>
            <textarea name=name node_ref=field rows="12" class="rte-source" hidden=move || enhanced.get()
                aria-label=locale.t("svc.description") inner_html=crate::kit::forms::text_html(&typed.unwrap_or(saved_html))></textarea>
        </div>
    }
}
