//! Forms that work with and without JavaScript.
//!
//! With JavaScript, an `<ActionForm>` calls the server function and shows its error next to
//! the fields, keeping what was typed. Without it, the browser posts the form; the server
//! function then answers with a redirect back to the form's page, carrying the errors
//! (`e.<field>=<code>`, `e._` for the whole form) and what was typed (`v.<field>`) in the
//! query, which the page reads to render the same feedback. Success returns to the page
//! without them.

use crate::kit::error::{AppError, FieldError};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What a form shows: errors per field, an error for the whole form, typed values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    pub errors: Vec<FieldError>,
    pub general: Option<String>,
    pub values: Vec<(String, String)>,
}

impl Feedback {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.code.as_str())
    }

    /// What the user typed in `field`, when the page was reloaded with an error.
    pub fn value(&self, field: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn from_error(error: &AppError) -> Feedback {
        match error {
            AppError::Invalid(errors) => Feedback {
                errors: errors.clone(),
                ..Feedback::default()
            },
            other => Feedback {
                general: Some(other.message_key().to_owned()),
                ..Feedback::default()
            },
        }
    }
}

/// The feedback of form `form`: from the action's last answer (JavaScript) or from the
/// query of a page the server sent the browser back to (no JavaScript). Each success of the
/// action also shows a toast (`kit::toast`).
pub fn feedback<O>(
    form: impl Into<String>,
    value: impl Get<Value = Option<Result<O, AppError>>> + Clone + Send + Sync + 'static,
) -> Memo<Feedback>
where
    O: Clone + Send + Sync + 'static,
{
    let form: String = form.into();
    let query = use_query_map();
    {
        // Effects run in the browser only: answers come there. The first run only looks: a
        // form rendered again after its action succeeded (a refetched list) tells nothing new.
        let (form, value) = (form.clone(), value.clone());
        Effect::new(move |seen: Option<()>| {
            let succeeded = matches!(value.get(), Some(Ok(_)));
            if seen.is_some() && succeeded {
                crate::kit::toast::form_done(&form);
            }
        });
    }
    Memo::new(move |_| {
        match value.get() {
            Some(Err(error)) => return Feedback::from_error(&error),
            Some(Ok(_)) => return Feedback::default(),
            None => {}
        }
        query.with(|q| {
            if q.get_str("form") != Some(form.as_str()) {
                return Feedback::default();
            }
            let mut feedback = Feedback::default();
            for (key, val) in q.clone().into_iter() {
                if key == "e._" {
                    feedback.general = Some(val);
                } else if let Some(field) = key.strip_prefix("e.") {
                    feedback.errors.push(FieldError {
                        field: field.to_owned(),
                        code: val,
                    });
                } else if let Some(field) = key.strip_prefix("v.") {
                    feedback.values.push((field.to_owned(), val));
                }
            }
            feedback
        })
    })
}

/// A `<textarea>`'s content as HTML: text, escaped. Leptos writes a textarea's children
/// unescaped (it treats them like a script's), so `</textarea><script>` typed into a form
/// and echoed back would end the field and run; every textarea takes its content through
/// this, as `inner_html`, which the browser reads back as plain text on both sides.
pub fn text_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Refetches a page's data after each success of `action`. Not after an error: the form
/// stays as it is, with what was typed and the error next to the field.
pub fn refetch_on_success<I, O, T>(action: ServerAction<I>, data: Resource<T>)
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    ServerAction<I>: Copy,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            data.refetch();
        }
    });
}

/// The message next to a field, if it has one.
#[component]
pub fn FieldMessage(feedback: Memo<Feedback>, #[prop(into)] field: String) -> impl IntoView {
    let locale = use_locale();
    move || {
        feedback.with(|f| {
            f.error(&field).map(|code| {
                view! { <span class="field-error" role="alert">{locale.t_dyn(code)}</span> }
            })
        })
    }
}

/// The message for the whole form, if any.
#[component]
pub fn FormMessage(feedback: Memo<Feedback>) -> impl IntoView {
    let locale = use_locale();
    move || {
        feedback.with(|f| {
            f.general.as_ref().map(|code| {
                view! { <p class="form-error" role="alert">{locale.t_dyn(code)}</p> }
            })
        })
    }
}

/// A destructive or bulk submit behind a question: the first click opens a native
/// disclosure asking `question`, its button (`confirm`) submits the form it sits in, with
/// `name=value` when given. Needs no JavaScript; a second click on the first button closes it
/// unsent.
#[component]
pub fn ConfirmSubmit(
    label: &'static str,
    question: &'static str,
    confirm: &'static str,
    #[prop(optional)] name: Option<&'static str>,
    #[prop(optional)] value: Option<&'static str>,
    #[prop(optional)] small: bool,
) -> impl IntoView {
    let locale = use_locale();
    let size = if small { " small" } else { "" };
    view! {
        <details class="inline-details">
            <summary class=format!("button danger{size}")>{locale.t(label)}</summary>
            <div class="card confirm" role="group" aria-label=locale.t(label)>
                <p>{locale.t(question)}</p>
                <button type="submit" class=format!("button danger{size}") name=name value=value>{locale.t(confirm)}</button>
            </div>
        </details>
    }
}

/// Progress while a multipart form's files are sent (tutorial videos run to 200 MB). Hidden
/// and inert without JavaScript, where the browser's own indicator shows; with it the page's
/// inline script (`lib.rs`, UPLOAD_PROGRESS) sends the form itself, fills the bar, offers to
/// cancel, and then opens the page the server answered with. Put it inside the form.
#[component]
pub fn UploadProgress() -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="upload-progress" hidden data-testid="upload-progress"
            data-sending=locale.t("upload.sending") data-failed=locale.t("upload.failed")
            data-cancelled=locale.t("upload.cancelled")>
            <progress max="100" value="0" aria-label=locale.t("upload.progress")></progress>
            <span class="upload-status" role="status"></span>
            <button type="button" class="button small upload-cancel">{locale.t("upload.cancel")}</button>
        </div>
    }
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use leptos_axum::ResponseOptions;

    fn parts() -> Option<http::request::Parts> {
        use_context::<http::request::Parts>()
    }

    /// A form posted to a server function by a browser without JavaScript (it accepts HTML,
    /// not JSON). Not a page render, which calls server functions in-process.
    pub fn is_form_post() -> bool {
        parts().is_some_and(|p| {
            p.method == http::Method::POST
                && p.uri.path().starts_with("/api/")
                && p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("text/html"))
        })
    }

    fn redirected() -> bool {
        use_context::<ResponseOptions>().is_some_and(|r| {
            r.0.read()
                .map(|parts| parts.headers.contains_key(http::header::LOCATION))
                .unwrap_or(false)
        })
    }

    /// The page the form was posted from (same host only), without earlier feedback.
    fn form_page() -> String {
        let Some(parts) = parts() else {
            return "/".into();
        };
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let referer = parts
            .headers
            .get(http::header::REFERER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let path = referer
            .split_once("://")
            .and_then(|(_, rest)| {
                let (h, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                (h == host && !path.is_empty()).then_some(path)
            })
            .unwrap_or("/");
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .filter(|p| !(p.starts_with("e.") || p.starts_with("v.") || p.starts_with("form=")))
            .collect();
        if kept.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", kept.join("&"))
        }
    }

    fn back(form: &str, pairs: Vec<(String, String)>) {
        let page = form_page();
        let mut url = page.clone();
        url.push(if page.contains('?') { '&' } else { '?' });
        url.push_str(&format!("form={}", encode_query(form)));
        for (key, value) in pairs {
            url.push_str(&format!("&{}={}", encode_query(&key), encode_query(&value)));
        }
        leptos_axum::redirect(&url);
    }

    /// Refuses a form's input: for a browser without JavaScript, back to the form with the
    /// errors and the typed values (`values`, never passwords); the error for the caller.
    pub fn invalid(form: &str, errors: &[(&str, &str)], values: &[(&str, &str)]) -> AppError {
        if is_form_post() {
            let mut pairs: Vec<(String, String)> = errors
                .iter()
                .map(|(f, c)| (format!("e.{f}"), (*c).to_owned()))
                .collect();
            pairs.extend(
                values
                    .iter()
                    .map(|(f, v)| (format!("v.{f}"), (*v).to_owned())),
            );
            back(form, pairs);
        }
        AppError::invalid(errors)
    }

    /// Like `invalid`, for field errors found further down (in a query): keeps what was typed.
    pub fn keep_typed<T>(
        form: &str,
        values: &[(&str, &str)],
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        match result {
            Err(AppError::Invalid(errors)) => {
                let pairs: Vec<(&str, &str)> = errors
                    .iter()
                    .map(|e| (e.field.as_str(), e.code.as_str()))
                    .collect();
                Err(invalid(form, &pairs, values))
            }
            other => other,
        }
    }

    /// Ends a server function. For JavaScript callers an error sets the HTTP status it
    /// stands for (server functions otherwise answer 500). For plain form posts the browser
    /// goes back to the form's page: with the error, or clean after success.
    pub fn finish<T>(form: &str, result: Result<T, AppError>) -> Result<T, AppError> {
        let plain = is_form_post();
        match &result {
            Err(error) if !plain => {
                if let Some(response) = use_context::<ResponseOptions>() {
                    response.set_status(error.status());
                }
            }
            Err(error) if !redirected() => {
                back(form, vec![("e._".into(), error.message_key().to_owned())]);
            }
            Ok(_) if plain && !redirected() => leptos_axum::redirect(&form_page()),
            _ => {}
        }
        result
    }
}

/// Percent-encodes a query value.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_query;

    #[test]
    fn textarea_content_cannot_end_the_textarea() {
        assert_eq!(
            super::text_html("</textarea><script>a&b</script>"),
            "&lt;/textarea&gt;&lt;script&gt;a&amp;b&lt;/script&gt;"
        );
        assert_eq!(super::text_html("服务 \"x\""), "服务 \"x\"");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query("a b&c=d@例"), "a%20b%26c%3Dd%40%E4%BE%8B");
    }
}
