//! One fetch of a page's data per request. While rendering on the server, Leptos builds the
//! components under a `<Suspense/>` more than once: it walks them once to start their
//! resources, then renders them, and every reactive closure above a page (the realm's frame,
//! the router's outlet) repeats that. Each build made resources of its own, so a list's queries
//! ran two to six times per request. A resource made by `page_resource` shares one fetch with
//! every other build of it in the same request; in the browser it is a plain blocking resource.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// The results fetched so far in this request, by fetcher and source. Provided once per
/// request by the app's root; absent (no sharing) anywhere else.
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct RequestCache {
    entries: std::sync::Arc<std::sync::Mutex<Entries>>,
    /// The app root's owner, held weakly (it holds this cache). Fetches run under it: the
    /// render disposes a build while its fetch may still be waiting (on the database, say),
    /// and a fetch under a disposed owner finds none of the request's context, so it failed
    /// with `Internal` — and that failure was what the page sent the browser for the
    /// resource, while the HTML came from a later build's success: hydration broke.
    root: Option<leptos::reactive::owner::WeakOwner>,
}

#[cfg(feature = "ssr")]
type Entries = std::collections::HashMap<
    (std::any::TypeId, String),
    std::sync::Arc<dyn std::any::Any + Send + Sync>,
>;

#[cfg(feature = "ssr")]
impl RequestCache {
    /// The cell holding the result of `F` for `source`, shared by every caller with both.
    fn cell<F: 'static, T: Send + Sync + 'static>(
        &self,
        source: String,
    ) -> std::sync::Arc<tokio::sync::OnceCell<T>> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = entries
            .entry((std::any::TypeId::of::<F>(), source))
            .or_insert_with(|| std::sync::Arc::new(tokio::sync::OnceCell::<T>::new()))
            .clone();
        // A fetcher's type fixes its result's, so the cell under its type id is of `T`.
        match entry.downcast::<tokio::sync::OnceCell<T>>() {
            Ok(cell) => cell,
            Err(_) => std::sync::Arc::new(tokio::sync::OnceCell::new()),
        }
    }
}

/// Makes the request's cache; the app's root calls it once per request on the server.
pub fn provide() {
    #[cfg(feature = "ssr")]
    provide_context(RequestCache {
        entries: Default::default(),
        root: Owner::current().map(|owner| owner.downgrade()),
    });
}

/// `fetch` run under the request's root owner when there is one, so it finds the request's
/// context however long it waits and whatever became of the build that started it.
#[cfg(feature = "ssr")]
fn under_request_root<T>(
    cache: Option<&RequestCache>,
    fetch: impl std::future::Future<Output = T>,
) -> impl std::future::Future<Output = T> {
    let root = cache
        .and_then(|cache| cache.root.as_ref())
        .and_then(|root| root.upgrade());
    async move {
        match root {
            Some(root) => {
                root.with(|| leptos::reactive::computed::ScopedFuture::new_untracked(fetch))
                    .await
            }
            None => fetch.await,
        }
    }
}

/// A blocking resource (the page waits for it before its first byte) whose result depends on
/// `source` alone: on the server every build of it in one request shares one fetch. Only
/// successes are shared; a failed fetch is tried again by the next build. The fetcher may
/// capture nothing (checked when compiled): what it reads must be in the source, which is
/// the shared fetch's key with the fetcher's type.
pub fn page_resource<S, T, E, F, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: F,
) -> Resource<Result<T, E>>
where
    S: PartialEq + Clone + Send + Sync + std::fmt::Debug + 'static,
    T: Clone + Send + Sync + 'static,
    E: Send + Sync + 'static,
    Result<T, E>: Serialize + DeserializeOwned,
    F: Fn(S) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, E>> + Send + 'static,
{
    const {
        assert!(
            std::mem::size_of::<F>() == 0,
            "page_resource: the fetcher captures a value; put it in the source"
        )
    };
    #[cfg(feature = "ssr")]
    {
        let cache = use_context::<RequestCache>();
        Resource::new_blocking(source, move |source: S| {
            let cell = cache
                .as_ref()
                .map(|cache| cache.cell::<F, T>(format!("{source:?}")));
            // The zone is read now, in the render's context, and goes with the fetch.
            let fetch = crate::kit::time::Zone::viewer().for_viewer(fetcher(source));
            let fetch = async move {
                match cell {
                    Some(cell) => cell.get_or_try_init(|| fetch).await.cloned(),
                    None => fetch.await,
                }
            };
            under_request_root(cache.as_ref(), fetch)
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        Resource::new_blocking(source, fetcher)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::RequestCache;
    use leptos::prelude::*;

    /// What a fetch reads of the request once it has waited (a database round trip).
    async fn request_marker() -> Option<u32> {
        tokio::task::yield_now().await;
        use_context::<u32>()
    }

    #[tokio::test]
    async fn a_fetch_outliving_its_build_still_finds_the_request_s_context() {
        let root = Owner::new();
        let cache = root.with(|| {
            provide_context(7u32);
            super::provide();
            use_context::<RequestCache>().expect("the request's cache")
        });
        // A build sits under the frames the render repeats (the realm's, the router's outlet).
        let frame = root.with(Owner::new);
        let build = frame.with(Owner::new);
        let shared = build.with(|| super::under_request_root(Some(&cache), request_marker()));
        let plain = build
            .with(|| leptos::reactive::computed::ScopedFuture::new_untracked(request_marker()));
        // The render moves on to its next build while both fetches wait: the frame goes.
        frame.cleanup();
        drop((frame, build));
        assert_eq!(plain.await, None, "a disposed build has lost the request");
        assert_eq!(shared.await, Some(7));
    }

    struct FetcherA;
    struct FetcherB;

    #[tokio::test]
    async fn one_fetch_per_fetcher_and_source_and_failures_are_retried() {
        let cache = RequestCache::default();
        let runs = std::sync::atomic::AtomicUsize::new(0);
        let fetch = |value: i64| {
            let runs = &runs;
            async move {
                runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok::<i64, String>(value)
            }
        };
        let a1 = cache.cell::<FetcherA, i64>("1".into());
        let a1_again = cache.cell::<FetcherA, i64>("1".into());
        let a2 = cache.cell::<FetcherA, i64>("2".into());
        let b1 = cache.cell::<FetcherB, i64>("1".into());
        assert_eq!(*a1.get_or_try_init(|| fetch(10)).await.unwrap(), 10);
        assert_eq!(*a1_again.get_or_try_init(|| fetch(99)).await.unwrap(), 10);
        assert_eq!(*a2.get_or_try_init(|| fetch(20)).await.unwrap(), 20);
        assert_eq!(*b1.get_or_try_init(|| fetch(30)).await.unwrap(), 30);
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 3);

        let failing = cache.cell::<FetcherB, i64>("2".into());
        let failed = failing
            .get_or_try_init(|| async { Err::<i64, String>("down".into()) })
            .await;
        assert!(failed.is_err());
        assert_eq!(*failing.get_or_try_init(|| fetch(40)).await.unwrap(), 40);
        // A new request starts empty.
        let next = RequestCache::default().cell::<FetcherA, i64>("1".into());
        assert!(next.get().is_none());
    }
}
