//! 操作手册: this product's operating manual (`app/manual/<locale>.md`), rendered as a page with
//! a table of contents. The source is a small subset of Markdown: `#` title, `##` sections,
//! `- ` list items and paragraphs; everything is text, nothing is taken as HTML.

use crate::kit::i18n::{use_locale, Locale};
use leptos::prelude::*;

const ZH: &str = include_str!("../../manual/zh-CN.md");
const EN: &str = include_str!("../../manual/en.md");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub anchor: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manual {
    pub title: String,
    pub intro: Vec<Block>,
    pub sections: Vec<Section>,
}

pub fn parse(source: &str) -> Manual {
    let mut manual = Manual {
        title: String::new(),
        intro: Vec::new(),
        sections: Vec::new(),
    };
    for line in source.lines().map(str::trim_end) {
        let blocks = match manual.sections.last_mut() {
            Some(section) => &mut section.blocks,
            None => &mut manual.intro,
        };
        if let Some(title) = line.strip_prefix("## ") {
            let n = manual.sections.len() + 1;
            manual.sections.push(Section {
                anchor: format!("section-{n}"),
                title: title.trim().to_owned(),
                blocks: Vec::new(),
            });
        } else if let Some(title) = line.strip_prefix("# ") {
            manual.title = title.trim().to_owned();
        } else if let Some(item) = line.strip_prefix("- ") {
            match blocks.last_mut() {
                Some(Block::List(items)) => items.push(item.trim().to_owned()),
                _ => blocks.push(Block::List(vec![item.trim().to_owned()])),
            }
        } else if !line.trim().is_empty() {
            match blocks.last_mut() {
                Some(Block::Paragraph(text)) => {
                    text.push(' ');
                    text.push_str(line.trim());
                }
                _ => blocks.push(Block::Paragraph(line.trim().to_owned())),
            }
        } else if let Some(Block::Paragraph(_)) = blocks.last() {
            // A blank line ends a paragraph: the next text starts a new one.
            blocks.push(Block::List(Vec::new()));
        }
    }
    let tidy = |blocks: &mut Vec<Block>| {
        blocks.retain(|b| !matches!(b, Block::List(items) if items.is_empty()))
    };
    tidy(&mut manual.intro);
    for section in &mut manual.sections {
        tidy(&mut section.blocks);
    }
    manual
}

pub fn manual(locale: Locale) -> Manual {
    parse(match locale {
        Locale::ZhCn => ZH,
        Locale::En => EN,
    })
}

fn blocks(blocks: Vec<Block>) -> impl IntoView {
    blocks
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(text) => view! { <p>{text}</p> }.into_any(),
            Block::List(items) => view! { <ul>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }.into_any(),
        })
        .collect_view()
}

#[component]
pub fn ManualView() -> impl IntoView {
    let locale = use_locale();
    let manual = manual(locale);
    view! {
        <article class="manual" data-testid="manual">
            <h2>{manual.title.clone()}</h2>
            {blocks(manual.intro.clone())}
            <nav class="toc" aria-label=locale.t("tutorial.toc")>
                <p class="card-label">{locale.t("tutorial.toc")}</p>
                <ol>
                    {manual.sections.iter().map(|s| view! { <li><a href=format!("#{}", s.anchor)>{s.title.clone()}</a></li> }).collect_view()}
                </ol>
            </nav>
            {manual.sections.into_iter().map(|s| view! {
                <section id=s.anchor.clone()>
                    <h3>{s.title}</h3>
                    {blocks(s.blocks)}
                </section>
            }).collect_view()}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_manuals_cover_the_same_modules() {
        let zh = manual(Locale::ZhCn);
        let en = manual(Locale::En);
        assert_eq!(zh.sections.len(), en.sections.len());
        assert!(zh.sections.len() >= 9);
        assert_eq!(zh.sections[3].title, "服务管理");
        assert_eq!(en.sections[3].title, "Services");
        for section in zh.sections.iter().chain(en.sections.iter()) {
            assert!(!section.blocks.is_empty(), "{} is empty", section.title);
        }
    }

    #[test]
    fn the_subset_is_parsed() {
        let m = parse(
            "# T\n\nIntro\nmore\n\n## A\n- one\n- two\n\ntext\n\nnext\n## B\n<script>x</script>\n",
        );
        assert_eq!(m.title, "T");
        assert_eq!(m.intro, vec![Block::Paragraph("Intro more".into())]);
        assert_eq!(
            m.sections[0].blocks,
            vec![
                Block::List(vec!["one".into(), "two".into()]),
                Block::Paragraph("text".into()),
                Block::Paragraph("next".into())
            ]
        );
        assert_eq!(m.sections[1].anchor, "section-2");
        // Markup is text: it is shown, never interpreted.
        assert_eq!(
            m.sections[1].blocks,
            vec![Block::Paragraph("<script>x</script>".into())]
        );
    }
}
