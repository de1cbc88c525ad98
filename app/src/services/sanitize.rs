//! The rich-text description is HTML from a browser editor, shown to other users (the
//! platform's reviewers, buyers). Only an allow-list of formatting survives: no script,
//! style, event handler, form, frame or `javascript:` link ever reaches another user.

use std::collections::HashSet;

pub fn description(html: &str) -> String {
    let tags: HashSet<&str> = [
        "h2",
        "h3",
        "h4",
        "p",
        "br",
        "hr",
        "div",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "blockquote",
        "pre",
        "code",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
    .into_iter()
    .collect();
    let clean = ammonia::Builder::default()
        .tags(tags)
        .tag_attributes(
            [
                ("a", ["href", "title"].into_iter().collect()),
                (
                    "img",
                    ["src", "alt", "width", "height"].into_iter().collect(),
                ),
                ("td", ["colspan", "rowspan"].into_iter().collect()),
                ("th", ["colspan", "rowspan"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // An image loads when a reviewer opens the page: only over https (no plain-http
        // tracking pixel or mixed content); links may still point to http sites.
        .attribute_filter(|element, attribute, value| {
            if element == "img"
                && attribute == "src"
                && !value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("https://")
            {
                None
            } else {
                Some(value.into())
            }
        })
        // A relative link or image would make a reader's browser call this portal.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string();
    with_image_alts(&clean)
}

/// Every image gets a text alternative (WCAG 1.1.1): one without `alt` is marked decorative
/// (`alt=""`), as nothing better is known. Reads ammonia's serialization, where every
/// attribute is `name="value"` with `"` escaped inside, so a quote-aware scan is exact.
fn with_image_alts(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(rest.len(), |(i, _)| i);
        let tag = &rest[..end];
        let mut quoted = false;
        let mut names = Vec::new();
        let mut word = String::new();
        for c in tag.chars() {
            match c {
                '"' => quoted = !quoted,
                _ if quoted => {}
                '=' => names.push(std::mem::take(&mut word)),
                c if c.is_whitespace() => word.clear(),
                c => word.push(c),
            }
        }
        let (open, slash) = match tag.strip_suffix('/') {
            Some(open) => (open, "/"),
            None => (tag, ""),
        };
        out.push_str(open);
        if !names.iter().any(|n| n == "alt") {
            out.push_str(" alt=\"\"");
        }
        out.push_str(slash);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Whether a description has any text or image: an editor's empty `<p><br></p>` is not one.
pub fn is_blank(html: &str) -> bool {
    !html.contains("<img") && {
        let text = ammonia::Builder::empty().clean(html).to_string();
        text.replace("&nbsp;", "").trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_image_has_a_text_alternative() {
        assert_eq!(
            description(
                r#"<p>a</p><img src="https://x.test/a.png"><img src="https://x.test/b.png" alt="架构图">"#
            ),
            r#"<p>a</p><img src="https://x.test/a.png" alt=""><img src="https://x.test/b.png" alt="架构图">"#
        );
        // A quote-escaped `>` or `alt=` inside another attribute's value is not mistaken.
        assert_eq!(
            description(
                r#"<img src="https://x.test/c.png" width="1" height="2"><img src="https://x.test/alt=d>e.png">"#
            ),
            r#"<img src="https://x.test/c.png" width="1" height="2" alt=""><img src="https://x.test/alt=d&gt;e.png" alt="">"#
        );
        assert_eq!(
            with_image_alts(r#"<img title="a>b alt=c">"#),
            r#"<img title="a>b alt=c" alt="">"#
        );
        assert_eq!(
            with_image_alts(r#"<img src="a"/>"#),
            r#"<img src="a" alt=""/>"#
        );
        assert_eq!(with_image_alts(r#"<img alt="x">"#), r#"<img alt="x">"#);
        assert_eq!(description(r#"<img onerror="x">"#), r#"<img alt="">"#);
    }

    #[test]
    fn hostile_html_comes_out_inert() {
        let hostile = r#"<h2 onclick="steal()">标题</h2><script>alert(1)</script>
            <img src=x onerror=alert(1)><img src="javascript:alert(1)">
            <a href="javascript:alert(1)">a</a><a href="/logout">b</a>
            <iframe src="https://evil.example"></iframe><style>body{display:none}</style>
            <svg><script>alert(1)</script></svg><form action="https://evil.example"><input></form>
            <p style="background:url(javascript:alert(1))">x</p>"#;
        let clean = description(hostile);
        for banned in [
            "script",
            "onerror",
            "onclick",
            "javascript",
            "iframe",
            "style",
            "svg",
            "form",
            "input",
            "/logout",
        ] {
            assert!(!clean.contains(banned), "{banned} in {clean}");
        }
        assert!(clean.contains("<h2>标题</h2>"));
    }

    #[test]
    fn images_load_only_over_https() {
        let clean = description(
            r#"<img src="http://tracker.example/p.gif"><img src="HTTPS://example.com/a.png"><a href="http://example.com">x</a>"#,
        );
        assert!(!clean.contains("tracker"), "{clean}");
        assert!(clean.contains("HTTPS://example.com/a.png"), "{clean}");
        assert!(clean.contains(r#"href="http://example.com""#), "{clean}");
    }

    #[test]
    fn formatting_survives() {
        let html = r#"<h3>服务内容</h3><p><b>部署</b> and <em>迁移</em></p><ul><li>一</li></ul>
            <a href="https://example.com/doc">文档</a><img src="https://example.com/a.png" alt="图">
            <table><tbody><tr><td colspan="2">¥110.00</td></tr></tbody></table>"#;
        let clean = description(html);
        assert!(clean.contains("<h3>服务内容</h3>"));
        assert!(clean.contains("<b>部署</b>"));
        assert!(clean.contains(
            r#"<a href="https://example.com/doc" rel="noopener noreferrer nofollow">文档</a>"#
        ));
        assert!(clean.contains(r#"<img src="https://example.com/a.png" alt="图">"#));
        assert!(clean.contains(r#"<td colspan="2">¥110.00</td>"#));
    }

    #[test]
    fn blank_descriptions_are_recognized() {
        assert!(is_blank("<p><br></p>"));
        assert!(is_blank("  <p>&nbsp;</p> "));
        assert!(!is_blank("<p>x</p>"));
        assert!(!is_blank(r#"<img src="https://example.com/a.png">"#));
    }
}
