//! A list exported as a spreadsheet, streamed: CSV in chunks as the rows arrive (UTF-8 with a
//! BOM, so that Excel reads Chinese right), XLSX written row by row in the writer's
//! constant-memory mode into an anonymous temporary file. Rows come through a bounded channel
//! from the query, so 100,000 rows cost no more memory than ten.

use crate::kit::csv::csv_record;
use crate::kit::error::AppError;
use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use tokio::sync::mpsc;

/// One cell: text, an amount (two decimals; a number in XLSX when a spreadsheet holds it
/// exactly, its currency in a text column beside it) or a whole number.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Amount(Decimal),
    Whole(i64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Amount(amount) => format!("{amount:.2}"),
            Cell::Whole(n) => n.to_string(),
        }
    }
}

/// The rows of an export, as the query sends them.
pub type Rows = mpsc::Receiver<Result<Vec<Cell>, AppError>>;

/// A channel for `Rows` (its sender for the query's task).
pub fn channel() -> (mpsc::Sender<Result<Vec<Cell>, AppError>>, Rows) {
    mpsc::channel(256)
}

/// The CSV of `header` and `rows`, in chunks of about 64 KB.
pub fn spawn_csv(header: Vec<String>, mut rows: Rows) -> mpsc::Receiver<Result<String, AppError>> {
    let (sender, chunks) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut chunk = String::from("\u{feff}");
        csv_record(&mut chunk, &header);
        while let Some(row) = rows.recv().await {
            match row {
                Ok(row) => csv_record(&mut chunk, &row.iter().map(Cell::text).collect::<Vec<_>>()),
                Err(error) => {
                    let _ = sender.send(Err(error)).await;
                    return;
                }
            }
            if chunk.len() >= 64 * 1024
                && sender.send(Ok(std::mem::take(&mut chunk))).await.is_err()
            {
                return;
            }
        }
        let _ = sender.send(Ok(chunk)).await;
    });
    chunks
}

/// An XLSX writer's failure, logged, as the request's answer.
pub fn xlsx_failed(error: rust_xlsxwriter::XlsxError) -> AppError {
    tracing::error!(%error, "writing an xlsx export");
    AppError::Internal
}

/// A finished workbook in an anonymous temporary file, read from its start.
pub fn saved(workbook: &mut rust_xlsxwriter::Workbook) -> Result<std::fs::File, AppError> {
    use std::io::{Seek, SeekFrom};
    let mut file = tempfile::tempfile().map_err(|error| {
        tracing::error!(%error, "creating a temporary file");
        AppError::Internal
    })?;
    workbook.save_to_writer(&mut file).map_err(xlsx_failed)?;
    file.seek(SeekFrom::Start(0))
        .map_err(|_| AppError::Internal)?;
    Ok(file)
}

/// The XLSX of `header` and `rows` on one sheet named `name`.
async fn xlsx(
    name: String,
    header: Vec<String>,
    mut rows: Rows,
) -> Result<std::fs::File, AppError> {
    tokio::task::spawn_blocking(move || -> Result<std::fs::File, AppError> {
        use rust_xlsxwriter::{Format, Workbook};
        let fail = xlsx_failed;
        let mut workbook = Workbook::new();
        // Zip level 1 rather than the default 6: the writer's documented trade of a somewhat
        // larger file for a faster save, which a 100,000-line export waits on.
        workbook.set_zip_compression_level(1);
        let bold = Format::new().set_bold();
        let amount = Format::new().set_num_format("0.00");
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(fail)?;
        sheet.set_name(&name).map_err(fail)?;
        for (col, title) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, title, &bold)
                .map_err(fail)?;
        }
        let mut row_no: u32 = 1;
        while let Some(row) = rows.blocking_recv() {
            for (col, cell) in row?.iter().enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Amount(value) => match crate::kit::money::spreadsheet_number(*value) {
                        Some(n) => sheet.write_number_with_format(row_no, col, n, &amount),
                        None => sheet.write_string(row_no, col, cell.text()),
                    },
                    Cell::Whole(n) => sheet.write_number(row_no, col, *n as f64),
                    Cell::Text(text) => sheet.write_string(row_no, col, text),
                }
                .map_err(fail)?;
            }
            row_no += 1;
        }
        saved(&mut workbook)
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// The download of an export named `stem`: CSV streamed as it is written, or XLSX (`xlsx`)
/// once written.
pub async fn download(
    stem: &str,
    sheet_name: &str,
    header: Vec<String>,
    rows: Rows,
    xlsx_format: bool,
) -> Response {
    if xlsx_format {
        match xlsx(sheet_name.to_owned(), header, rows).await {
            Ok(file) => xlsx_download(stem, file),
            Err(error) => error.into_response(),
        }
    } else {
        csv_download(stem, spawn_csv(header, rows))
    }
}

/// CSV chunks as the download `stem.csv`, sent as they come. A failure after the first bytes
/// can only cut the download short, visibly.
pub fn csv_download(stem: &str, chunks: mpsc::Receiver<Result<String, AppError>>) -> Response {
    use futures_util::StreamExt;
    let body = tokio_stream::wrappers::ReceiverStream::new(chunks).map(|chunk| {
        chunk.map(Bytes::from).map_err(|error| {
            tracing::error!(?error, "a CSV export failed midway");
            std::io::Error::other("export failed")
        })
    });
    crate::kit::files::attachment(
        Response::new(Body::from_stream(body)),
        &format!("{stem}.csv"),
        "text/csv; charset=utf-8",
    )
}

/// A written workbook as the download `stem.xlsx`, streamed from its file.
pub fn xlsx_download(stem: &str, file: std::fs::File) -> Response {
    let body = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    crate::kit::files::attachment(
        Response::new(Body::from_stream(body)),
        &format!("{stem}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn rows(cells: Vec<Vec<Cell>>) -> Rows {
        let (sender, rows) = channel();
        for row in cells {
            sender.send(Ok(row)).await.unwrap();
        }
        rows
    }

    #[tokio::test]
    async fn csv_streams_a_header_and_rows_with_a_bom() {
        let rows = rows(vec![vec![
            Cell::Text("20190927070759188".into()),
            Cell::Amount(Decimal::new(80000, 2)),
            Cell::Whole(3),
        ]])
        .await;
        let mut chunks = spawn_csv(vec!["号".into(), "金额".into(), "数量".into()], rows);
        let mut csv = String::new();
        while let Some(chunk) = chunks.recv().await {
            csv.push_str(&chunk.unwrap());
        }
        assert_eq!(
            csv,
            "\u{feff}号,金额,数量\r\n\"=\"\"20190927070759188\"\"\",800.00,3\r\n"
        );
    }

    #[tokio::test]
    async fn xlsx_holds_amounts_as_numbers() {
        let rows = rows(vec![vec![
            Cell::Text("A".into()),
            Cell::Amount(Decimal::new(12345, 2)),
        ]])
        .await;
        let file = xlsx("s".into(), vec!["x".into(), "y".into()], rows)
            .await
            .unwrap();
        let len = file.metadata().unwrap().len();
        assert!(len > 1000, "an XLSX file ({len} bytes)");
    }
}
