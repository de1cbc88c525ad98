//! Background jobs: work an instance does on a clock (mail, deadlines, the file sweep). Each
//! runs on its own task and survives its own failures: an error is logged and the next tick
//! comes; a panic is logged and the job goes on at the next tick, instead of silently ending
//! the loop for the life of the process.

use std::future::Future;
use std::time::Duration;

/// Runs `tick` every `period`, forever. Each run is a task of its own, so that a panic in it
/// is caught here (as a `JoinError`) and reported with the job's name.
pub fn every<F, Fut>(name: &'static str, period: Duration, tick: F) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut clock = tokio::time::interval(period);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            clock.tick().await;
            if let Err(error) = tokio::spawn(tick()).await {
                if error.is_panic() {
                    let panic = error.into_panic();
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    tracing::error!(job = name, panic = %message, "background job panicked; it goes on at the next tick");
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_panicking_job_runs_again() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        let job = every("test", Duration::from_millis(5), move || {
            let counter = counter.clone();
            async move {
                // Every run panics: the job must still come back.
                counter.fetch_add(1, Ordering::SeqCst);
                panic!("a bad row");
            }
        });
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while runs.load(Ordering::SeqCst) < 3 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            runs.load(Ordering::SeqCst) >= 3,
            "the job ended after a panic"
        );
        assert!(!job.is_finished());
        job.abort();
    }
}
