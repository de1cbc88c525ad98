//! Plain HTML forms posted as multipart, for every route that takes files: the form read as
//! it streams in (text fields bounded, files spooled to disk), and the answers that send the
//! browser back to the page, with the errors and what was typed when refused.

use crate::kit::error::AppError;
use crate::kit::files::{Storage, StoredFile};
use axum::extract::Multipart;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// A plain multipart form as it streams in: its text fields (each at most 64 KiB) and its
/// files, each spooled to a temporary file as its chunks arrive, never held whole in memory.
/// The route's body limit caps the request; `max_file_bytes` caps what one file may put on
/// disk (a longer file is counted, not kept, and refused by the caller's size check).
pub struct FormPost {
    pub fields: std::collections::HashMap<String, String>,
    /// (field name, file); at most `keep` of them.
    pub files: Vec<(String, crate::kit::files::Upload)>,
    /// The body limit was hit or the framing was broken: what was read so far is here.
    pub broken: bool,
    /// A file could not be spooled for want of disk space (the answer is `storage_full`).
    pub full: bool,
}

/// The longest text field a plain form may send, all its text fields together, and how many
/// fields it may have: a form of many small fields cannot fill memory either.
const MAX_TEXT_FIELD: usize = 64 * 1024;
const MAX_TEXT_TOTAL: usize = 256 * 1024;
const MAX_FIELDS: usize = 64;

impl FormPost {
    /// Reads `multipart`; fields named in `file_fields` are files, of which the first `keep`
    /// are kept (one more than a form allows, so that "too many" can be told).
    pub async fn read(
        mut multipart: Multipart,
        file_fields: &[&str],
        keep: usize,
        max_file_bytes: usize,
    ) -> FormPost {
        let mut form = FormPost {
            fields: Default::default(),
            files: Vec::new(),
            broken: false,
            full: false,
        };
        let (mut fields, mut text_total) = (0, 0);
        loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(_) => {
                    form.broken = true;
                    break;
                }
            };
            fields += 1;
            if fields > MAX_FIELDS {
                form.broken = true;
                break;
            }
            let name = field.name().unwrap_or_default().to_owned();
            if file_fields.contains(&name.as_str()) {
                if form.files.len() >= keep {
                    continue;
                }
                let file_name = field.file_name().unwrap_or("file").to_owned();
                let mut spool = match crate::kit::files::Spool::new(&file_name, max_file_bytes) {
                    Ok(spool) => spool,
                    Err(error) => {
                        tracing::error!(%error, "spooling an upload");
                        form.full = crate::kit::files::is_full(&error);
                        form.broken = true;
                        break;
                    }
                };
                let mut failed = false;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if let Err(error) = spool.write(&chunk).await {
                                tracing::error!(%error, "spooling an upload");
                                form.full = crate::kit::files::is_full(&error);
                                failed = true;
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(_) => {
                            failed = true;
                            break;
                        }
                    }
                }
                match spool.finish().await {
                    Ok(upload) if !failed => form.files.push((name, upload)),
                    Err(error) if crate::kit::files::is_full(&error) => {
                        form.full = true;
                        form.broken = true;
                        break;
                    }
                    _ => {
                        form.broken = true;
                        break;
                    }
                }
            } else {
                let mut text = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            text_total += chunk.len();
                            if text.len() + chunk.len() > MAX_TEXT_FIELD
                                || text_total > MAX_TEXT_TOTAL
                            {
                                form.broken = true;
                                break;
                            }
                            text.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(_) => {
                            form.broken = true;
                            break;
                        }
                    }
                }
                if form.broken {
                    break;
                }
                form.fields
                    .insert(name, String::from_utf8_lossy(&text).into_owned());
            }
        }
        form
    }

    /// A text field, empty when absent.
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The files of the form, without their field names.
    pub fn uploads(self) -> Vec<crate::kit::files::Upload> {
        self.files.into_iter().map(|(_, file)| file).collect()
    }

    /// A form with its attachments in `files` (a ticket, a tier application, a registration):
    /// one file more than `max_files` is kept so that "too many" can be told; with no disk
    /// left, the answer that ends the request.
    pub async fn with_files(
        multipart: Multipart,
        max_files: usize,
        max_file_bytes: usize,
    ) -> Result<FormPost, Response> {
        let form = FormPost::read(multipart, &["files"], max_files + 1, max_file_bytes).await;
        if form.full {
            Err(storage_full())
        } else {
            Ok(form)
        }
    }

    /// The files, or the refusal `code` on `files` when a file or the body passed its limit.
    pub fn files_within(
        self,
        code: &str,
    ) -> Result<Vec<crate::kit::files::Upload>, crate::kit::error::AppError> {
        if self.broken {
            Err(crate::kit::error::AppError::invalid(&[("files", code)]))
        } else {
            Ok(self.uploads())
        }
    }
}

/// A plain multipart form's way back after a refusal: `page?form=<form>` with each error
/// (`e.<field>`, `e._` for the whole form) and what was typed (`v.<field>`), which the page
/// reads to show the errors next to the fields and keep the input.
pub fn back_to_form(
    page: &str,
    form: &str,
    error: &crate::kit::error::AppError,
    typed: &[(&str, &str)],
) -> Response {
    use crate::kit::forms::encode_query;
    if matches!(error, crate::kit::error::AppError::StorageFull) {
        return storage_full();
    }
    let mut url = format!("{page}?form={form}");
    match error {
        crate::kit::error::AppError::Invalid(errors) => {
            for e in errors {
                url.push_str(&format!("&e.{}={}", e.field, encode_query(&e.code)));
            }
        }
        other => url.push_str(&format!("&e._={}", encode_query(other.message_key()))),
    }
    for (field, value) in typed {
        let value: String = value.chars().take(1000).collect();
        url.push_str(&format!("&v.{field}={}", encode_query(&value)));
    }
    Redirect::to(&url).into_response()
}

/// The answer when there is no room to store an upload: 507, saying so in both languages
/// (a plain text the operator's monitoring and the user alike can read), nothing kept.
pub fn storage_full() -> Response {
    use crate::kit::i18n::Locale;
    let say = |locale: Locale| locale.t("error.storage_full");
    (
        StatusCode::INSUFFICIENT_STORAGE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n{}\n", say(Locale::ZhCn), say(Locale::En)),
    )
        .into_response()
}

/// The `file` field of a one-file upload form, spooled to disk as it arrives.
pub async fn one_file(
    multipart: Multipart,
    max_bytes: usize,
) -> Result<crate::kit::files::Upload, AppError> {
    let form = FormPost::read(multipart, &["file"], 1, max_bytes).await;
    if form.full {
        return Err(AppError::StorageFull);
    }
    if form.broken {
        return Err(AppError::invalid(&[("file", "ev.error.size")]));
    }
    form.uploads()
        .into_iter()
        .next()
        .ok_or_else(|| AppError::invalid(&[("file", "form.required")]))
}

/// The answer to a one-file upload form: back to the page, or back with the file's error
/// shown next to form `form`.
pub fn uploaded(result: Result<(), AppError>, back: &str, form: &str) -> Response {
    match result {
        Ok(()) => Redirect::to(back).into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(AppError::Unauthorized) => Redirect::to("/login").into_response(),
        Err(AppError::StorageFull) => storage_full(),
        Err(error) => {
            let code = match &error {
                AppError::Invalid(errors) => {
                    errors.first().map(|e| e.code.clone()).unwrap_or_default()
                }
                other => other.message_key().to_owned(),
            };
            Redirect::to(&format!(
                "{back}?form={form}&e.file={}",
                crate::kit::forms::encode_query(&code)
            ))
            .into_response()
        }
    }
}

/// A stored file as a download (always an attachment), or the error that kept it back.
pub async fn send(storage: &Storage, file: Result<StoredFile, AppError>) -> Response {
    let file = match file {
        Ok(file) => file,
        Err(error) => return error.into_response(),
    };
    crate::kit::files::download(storage, &file.storage_key, &file.name, &file.content_type).await
}
