//! Exports (§6.1.4) and the bill document (§6.1.5). CSV and XLSX stream their rows from the
//! database, so 100,000 lines cost no more memory than ten; the totals they end with are
//! summed as the rows pass, by the same `BillTotals` the pages use. The PDF draws the bill
//! as the manual's "AggreSmart 账单" with an embedded CJK font, its text extractable.

use super::model::{format_totals, BillStatus, BillTotals};
use super::store::{self, head, lines_of, ExportRow, ListFilter, StoredLine};
use crate::kit::code::Code;
use crate::kit::db::Db;
use crate::kit::db::Owner;
use crate::kit::error::AppError;
use crate::kit::i18n::Locale;
use crate::kit::time::Zone;
use crate::orders::model::WorkOrderStatus;
use tokio::sync::mpsc;

/// What is exported: the bills under the list's filters, or one bill.
#[derive(Debug, Clone)]
pub enum Target {
    List(ListFilter),
    Bill(String),
}

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A bill's file name without extension: provider, period and number.
fn bill_stem(head: &store::Head) -> String {
    format!(
        "{}_{}_{}_{}",
        clean(&head.provider_name),
        head.period.start,
        head.period.end,
        head.bill_no
    )
}

/// The file name without extension: provider and period for a bill, the filter for a list.
pub async fn file_stem(db: &Db, owner: Owner, target: &Target) -> Result<String, AppError> {
    Ok(match target {
        Target::Bill(no) => bill_stem(&head(db, owner, no).await?),
        Target::List(filter) => {
            let provider = match owner {
                Owner::Provider(id) => Some(id),
                Owner::Platform => filter.provider_id,
            };
            let name = match provider {
                Some(id) => store::provider_name(db, id).await?,
                None => "all".into(),
            };
            format!(
                "bills_{}_{}_{}",
                clean(&name),
                filter.from.clone().unwrap_or_else(|| "start".into()),
                filter.to.clone().unwrap_or_else(|| "end".into())
            )
        }
    })
}

/// The rows of `target`, streamed (`store::spawn_export_rows`).
fn spawn_rows(db: Db, owner: Owner, target: Target) -> mpsc::Receiver<Result<ExportRow, AppError>> {
    match target {
        Target::List(filter) => store::spawn_export_rows(db, owner, filter, None),
        Target::Bill(no) => store::spawn_export_rows(db, owner, ListFilter::default(), Some(no)),
    }
}

/// The columns of `cells` that hold an amount (order total, paid), each followed by its currency.
const AMOUNT_COLUMNS: [usize; 2] = [6, 11];

/// The column of `cells` that holds the time of a line.
const TIME_COLUMN: usize = 10;

/// The column titles; the time column names the zone its times are read in.
fn header(locale: Locale, zone: &Zone) -> [String; 13] {
    let mut titles = [
        locale.t("bill.column.no"),
        locale.t("bill.column.company"),
        locale.t("bill.column.period"),
        locale.t("bill.column.status"),
        locale.t("bill.line.order_no"),
        locale.t("bill.line.order_status"),
        locale.t("bill.line.order_total"),
        locale.t("bill.export.currency"),
        locale.t("bill.line.product"),
        locale.t("bill.line.quantity"),
        locale.t("bill.line.traded_at"),
        locale.t("bill.line.paid"),
        locale.t("bill.export.currency"),
    ]
    .map(str::to_owned);
    titles[TIME_COLUMN] = zone.titled(&titles[TIME_COLUMN]);
    titles
}

/// The cells of a row: amounts as exact decimal text with their currency beside them.
fn cells(locale: Locale, zone: &Zone, row: &ExportRow) -> [String; 13] {
    let line = &row.line;
    [
        row.bill_no.clone(),
        row.provider.clone(),
        row.period.clone(),
        locale.t(row.status.label_key()).to_owned(),
        line.line.order_no.clone(),
        WorkOrderStatus::from_db(&line.order_status)
            .map(|s| locale.t(s.label_key()).to_owned())
            .unwrap_or_else(|| line.order_status.clone()),
        line.line.order_total.plain(),
        line.line.order_total.currency.code().to_owned(),
        line.product.clone(),
        line.line.quantity.to_string(),
        zone.datetime_seconds(line.traded_at),
        line.line.paid.plain(),
        line.line.paid.currency.code().to_owned(),
    ]
}

/// The closing rows: count, units, and the totals per currency.
fn total_rows(locale: Locale, totals: &BillTotals) -> Vec<[String; 13]> {
    let mut rows = Vec::new();
    let blank = || std::array::from_fn::<String, 13, _>(|_| String::new());
    let mut first = blank();
    first[0] = locale.t("bill.line.totals").to_owned();
    first[4] = totals.orders.to_string();
    first[9] = totals.units.to_string();
    rows.push(first);
    for money in totals.order_total.iter() {
        let mut row = blank();
        row[0] = locale.t("bill.line.order_total").to_owned();
        row[6] = money.plain();
        row[7] = money.currency.code().to_owned();
        rows.push(row);
    }
    for money in totals.paid.iter() {
        let mut row = blank();
        row[0] = locale.t("bill.line.paid").to_owned();
        row[11] = money.plain();
        row[12] = money.currency.code().to_owned();
        rows.push(row);
    }
    rows
}

/// CSV in chunks (kit::sheet): the lines, then the totals summed as they passed.
pub fn spawn_csv(
    db: Db,
    owner: Owner,
    target: Target,
    locale: Locale,
    zone: Zone,
) -> mpsc::Receiver<Result<String, AppError>> {
    use crate::kit::sheet::Cell;
    let text = |row: [String; 13]| row.into_iter().map(Cell::Text).collect::<Vec<_>>();
    let mut rows = spawn_rows(db, owner, target);
    let (sender, lines) = crate::kit::sheet::channel();
    let titles = header(locale, &zone).to_vec();
    tokio::spawn(async move {
        let mut totals = BillTotals::default();
        while let Some(row) = rows.recv().await {
            let line = row.map(|row| {
                totals.add(&row.line.line);
                text(cells(locale, &zone, &row))
            });
            let failed = line.is_err();
            if sender.send(line).await.is_err() || failed {
                return;
            }
        }
        for row in total_rows(locale, &totals) {
            if sender.send(Ok(text(row))).await.is_err() {
                return;
            }
        }
    });
    crate::kit::sheet::spawn_csv(titles, lines)
}

/// XLSX written row by row in the writer's constant-memory mode into an anonymous temporary
/// file, which the caller streams out.
pub async fn xlsx(
    db: Db,
    owner: Owner,
    target: Target,
    locale: Locale,
    zone: Zone,
) -> Result<std::fs::File, AppError> {
    let mut rows = spawn_rows(db, owner, target);
    tokio::task::spawn_blocking(move || -> Result<std::fs::File, AppError> {
        use rust_xlsxwriter::{Format, Workbook};
        let fail = crate::kit::sheet::xlsx_failed;
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let amount = Format::new().set_num_format("0.00");
        let bold_amount = Format::new().set_bold().set_num_format("0.00");
        // An amount column's cell as a number (SUM works) when a spreadsheet holds it exactly;
        // its currency is the next column.
        let number = |col: usize, value: &str| {
            AMOUNT_COLUMNS
                .contains(&col)
                .then(|| rust_decimal::Decimal::from_str_exact(value).ok())
                .flatten()
                .and_then(crate::kit::money::spreadsheet_number)
        };
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(fail)?;
        sheet.set_name(locale.t("bill.lines")).map_err(fail)?;
        for (col, title) in header(locale, &zone).iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, title, &bold)
                .map_err(fail)?;
        }
        let mut totals = BillTotals::default();
        let mut row_no: u32 = 1;
        while let Some(row) = rows.blocking_recv() {
            let row = row?;
            totals.add(&row.line.line);
            for (col, value) in cells(locale, &zone, &row).iter().enumerate() {
                // Quantities are whole numbers; amounts numbers with two decimals where exact.
                if col == 9 {
                    sheet
                        .write_number(row_no, col as u16, row.line.line.quantity as f64)
                        .map_err(fail)?;
                } else if let Some(n) = number(col, value) {
                    sheet
                        .write_number_with_format(row_no, col as u16, n, &amount)
                        .map_err(fail)?;
                } else {
                    sheet
                        .write_string(row_no, col as u16, value)
                        .map_err(fail)?;
                }
            }
            row_no += 1;
        }
        for values in total_rows(locale, &totals) {
            for (col, value) in values.iter().enumerate() {
                if let Some(n) = number(col, value) {
                    sheet
                        .write_number_with_format(row_no, col as u16, n, &bold_amount)
                        .map_err(fail)?;
                } else if !value.is_empty() {
                    sheet
                        .write_string_with_format(row_no, col as u16, value, &bold)
                        .map_err(fail)?;
                }
            }
            row_no += 1;
        }
        crate::kit::sheet::saved(&mut workbook)
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// The bill document's content, independent of how it is drawn.
pub struct Document {
    pub bill_no: String,
    pub printed_at: String,
    pub provider: String,
    pub address: String,
    pub admin_name: String,
    pub business_owner: String,
    pub receiver: crate::billing::Receiver,
    pub payer_name: String,
    pub payer_contact: String,
    pub tier: String,
    pub period: String,
    pub status: BillStatus,
    pub lines: Vec<StoredLine>,
    pub totals: BillTotals,
    /// The zone its times are read in (the viewer's).
    pub zone: Zone,
    /// The download's file name without extension.
    pub file_stem: String,
}

pub async fn document(db: &Db, owner: Owner, no: &str, zone: &Zone) -> Result<Document, AppError> {
    let head = head(db, owner, no).await?;
    let lines = lines_of(db.pool(), head.id, head.version).await?;
    let totals = BillTotals::of(lines.iter().map(|l| &l.line));
    Ok(Document {
        file_stem: bill_stem(&head),
        bill_no: head.bill_no,
        printed_at: zone.titled(&zone.datetime_seconds(crate::kit::db::now())),
        provider: head.provider_name,
        address: head.provider_address,
        admin_name: head.admin_name,
        business_owner: head.business_owner,
        receiver: head.receiver,
        payer_name: head.payer_name,
        payer_contact: head.payer_contact,
        tier: head.tier,
        period: head.period.label(),
        status: head.status,
        lines,
        totals,
        zone: zone.clone(),
    })
}

/// Lays the document out on A4 pages with `font` (a TrueType font or collection with CJK).
pub fn pdf(doc: &Document, locale: Locale, font: &[u8]) -> Result<Vec<u8>, AppError> {
    use krilla::color::rgb;
    use krilla::geom::{PathBuilder, Point, Rect};
    use krilla::page::PageSettings;
    use krilla::paint::{Fill, Stroke};
    use krilla::text::{Font, TextDirection};
    use krilla::Document as Pdf;

    let font = Font::new(font.to_vec().into(), 0).ok_or_else(|| {
        tracing::error!("the bill font cannot be read");
        AppError::Internal
    })?;
    const W: f32 = 595.0;
    const H: f32 = 842.0;
    const LEFT: f32 = 48.0;
    const RIGHT: f32 = W - 48.0;
    const LINES_PER_PAGE: usize = 28;
    const FIRST_PAGE_LINES: usize = 16;

    let mut pdf = Pdf::new();
    // The first page carries the statistics and 收款信息 above its lines, so fewer of them.
    let (first, rest) = doc.lines.split_at(doc.lines.len().min(FIRST_PAGE_LINES));
    let chunks: Vec<&[StoredLine]> = std::iter::once(first)
        .chain(rest.chunks(LINES_PER_PAGE))
        .collect();
    let pages = chunks.len();
    let grey = rgb::Color::new(107, 119, 133);
    let black = rgb::Color::new(31, 41, 51);
    let brand = rgb::Color::new(31, 95, 191);
    for (page_index, chunk) in chunks.into_iter().enumerate() {
        let mut page = pdf.start_page_with(PageSettings::from_wh(W, H).ok_or(AppError::Internal)?);
        let mut surface = page.surface();
        let text = |surface: &mut krilla::surface::Surface,
                    x: f32,
                    y: f32,
                    size: f32,
                    color: rgb::Color,
                    value: &str| {
            if value.is_empty() {
                return;
            }
            surface.set_fill(Some(Fill {
                paint: color.into(),
                ..Default::default()
            }));
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                size,
                value,
                false,
                TextDirection::Auto,
            );
        };
        let rule = |surface: &mut krilla::surface::Surface, y: f32, color: rgb::Color| {
            let mut path = PathBuilder::new();
            path.move_to(LEFT, y);
            path.line_to(RIGHT, y);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: color.into(),
                    width: 0.6,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        };
        let mut y = 64.0;
        if page_index == 0 {
            // Title block: brand, print time and number on the left, amounts on the right.
            if let Some(band) = Rect::from_xywh(0.0, 0.0, W, 8.0) {
                let mut path = PathBuilder::new();
                path.push_rect(band);
                if let Some(path) = path.finish() {
                    surface.set_fill(Some(Fill {
                        paint: brand.into(),
                        ..Default::default()
                    }));
                    surface.draw_path(&path);
                }
            }
            text(
                &mut surface,
                LEFT,
                y,
                20.0,
                brand,
                locale.t("bill.document_title"),
            );
            let mut amount_y = y;
            for money in doc.totals.paid.iter() {
                text(
                    &mut surface,
                    400.0,
                    amount_y,
                    18.0,
                    black,
                    &money.to_string(),
                );
                amount_y += 22.0;
            }
            y += 22.0;
            text(
                &mut surface,
                LEFT,
                y,
                10.0,
                grey,
                &format!("{}: {}", locale.t("bill.printed_at"), doc.printed_at),
            );
            y += 16.0;
            text(
                &mut surface,
                LEFT,
                y,
                10.0,
                black,
                &format!("{}: {}", locale.t("bill.column.no"), doc.bill_no),
            );
            y = y.max(amount_y) + 14.0;
            text(
                &mut surface,
                LEFT,
                y,
                10.0,
                black,
                &format!(
                    "{}: {}    {}: {}    {}: {}",
                    locale.t("bill.receiver"),
                    doc.provider,
                    locale.t("bill.payer"),
                    crate::shell::dash(doc.payer_name.clone()),
                    locale.t("bill.contact"),
                    crate::shell::dash(doc.payer_contact.clone())
                ),
            );
            y += 28.0;
            text(
                &mut surface,
                LEFT,
                y,
                13.0,
                black,
                locale.t("bill.statistics"),
            );
            y += 8.0;
            rule(&mut surface, y, grey);
            y += 18.0;
            let dash = |s: &str| crate::shell::dash(s.to_owned());
            let stats = [
                (locale.t("bill.provider"), doc.provider.clone()),
                (locale.t("bill.column.period"), doc.period.clone()),
                (locale.t("bill.admin"), dash(&doc.admin_name)),
                (locale.t("bill.amount"), format_totals(&doc.totals.paid)),
                (locale.t("bill.tier"), dash(&doc.tier)),
                (locale.t("bill.card.orders"), doc.totals.orders.to_string()),
                (locale.t("bill.business_owner"), dash(&doc.business_owner)),
                (locale.t("bill.units"), doc.totals.units.to_string()),
                (locale.t("bill.address"), dash(&doc.address)),
                (
                    locale.t("bill.card.sales"),
                    format_totals(&doc.totals.order_total),
                ),
                (
                    locale.t("bill.column.status"),
                    locale.t(doc.status.label_key()).to_owned(),
                ),
            ];
            let r = &doc.receiver;
            let contact = r.contact_line();
            // 收款信息 as the bill was generated with it, after the statistics.
            let receiver = [
                (locale.t("company.contact_name"), dash(&contact)),
                (locale.t("company.bank_name"), dash(&r.bank_name)),
                (locale.t("company.bank_account_name"), dash(&r.account_name)),
                (locale.t("company.bank_account_no"), dash(&r.account_masked)),
                (locale.t("company.invoice_title"), dash(&r.invoice_title)),
                (locale.t("company.tax_number"), dash(&r.tax_number)),
            ];
            let stats: Vec<(&str, String)> = stats.into_iter().chain(receiver).collect();
            for pair in stats.chunks(2) {
                for (i, (label, value)) in pair.iter().enumerate() {
                    let x = LEFT + i as f32 * 250.0;
                    text(&mut surface, x, y, 10.0, grey, &format!("{label}:"));
                    text(&mut surface, x + 72.0, y, 10.0, black, value);
                }
                y += 18.0;
            }
            y += 16.0;
            text(&mut surface, LEFT, y, 13.0, black, locale.t("bill.lines"));
            y += 8.0;
            rule(&mut surface, y, grey);
            y += 18.0;
        }
        // The line table: the manual's seven columns.
        let columns: [(f32, &str); 7] = [
            (LEFT, locale.t("bill.line.order_no")),
            (LEFT + 108.0, locale.t("bill.line.order_status")),
            (LEFT + 164.0, locale.t("bill.line.order_total")),
            (LEFT + 240.0, locale.t("bill.line.product")),
            (LEFT + 318.0, locale.t("bill.line.quantity")),
            (LEFT + 348.0, locale.t("bill.line.traded_at")),
            (LEFT + 440.0, locale.t("bill.line.paid")),
        ];
        for (x, title) in columns {
            text(&mut surface, x, y, 9.0, grey, title);
        }
        y += 6.0;
        rule(&mut surface, y, grey);
        y += 14.0;
        for line in chunk {
            let status = WorkOrderStatus::from_db(&line.order_status)
                .map(|s| locale.t(s.label_key()).to_owned())
                .unwrap_or_default();
            let product: String = line.product.chars().take(12).collect();
            let values = [
                line.line.order_no.clone(),
                status,
                line.line.order_total.to_string(),
                product,
                line.line.quantity.to_string(),
                doc.zone.datetime_seconds(line.traded_at),
                line.line.paid.to_string(),
            ];
            for ((x, _), value) in columns.iter().zip(values.iter()) {
                let size = if *x == LEFT + 348.0 { 7.5 } else { 8.5 };
                text(&mut surface, *x, y, size, black, value);
            }
            y += 18.0;
        }
        if page_index + 1 == pages {
            rule(&mut surface, y - 10.0, grey);
            y += 6.0;
            text(
                &mut surface,
                LEFT,
                y,
                10.0,
                black,
                &format!(
                    "{}: {}",
                    locale.t("bill.line.order_total"),
                    format_totals(&doc.totals.order_total)
                ),
            );
            text(
                &mut surface,
                LEFT + 240.0,
                y,
                10.0,
                black,
                &format!("{}: {}", locale.t("bill.line.totals"), doc.totals.orders),
            );
            y += 16.0;
            text(
                &mut surface,
                LEFT,
                y,
                10.0,
                black,
                &format!(
                    "{}: {}",
                    locale.t("bill.line.paid_total"),
                    format_totals(&doc.totals.paid)
                ),
            );
        }
        text(
            &mut surface,
            LEFT,
            H - 32.0,
            8.0,
            grey,
            &format!("{} · {} / {}", doc.bill_no, page_index + 1, pages),
        );
        surface.finish();
        page.finish();
    }
    let mut metadata = krilla::metadata::Metadata::new().title(format!(
        "{} {}",
        locale.t("bill.document_title"),
        doc.bill_no
    ));
    metadata = metadata.language(locale.tag().to_owned());
    pdf.set_metadata(metadata);
    pdf.finish().map_err(|e| {
        tracing::error!(error = ?e, "writing a bill PDF");
        AppError::Internal
    })
}
