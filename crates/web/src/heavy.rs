//! The CPU-heavy parts of a request — reading an uploaded spreadsheet, decoding a photo,
//! typesetting a PDF — run on the blocking threads, a few at a time. On the async threads a
//! 50,000-row workbook would stall every other page for seconds; unbounded on the blocking pool,
//! a burst of uploads would hold a copy of each file's cells at once. A request that cannot start
//! within [`WAIT`] is told to retry (503) rather than queue without end.

use crate::AppState;
use crate::error::AppError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a request waits for a turn.
const WAIT: Duration = Duration::from_secs(30);

/// The turns: one per core, so the heavy work never takes more than the machine has.
pub struct HeavyWork {
    free: Arc<Semaphore>,
    wait: Duration,
}

impl Default for HeavyWork {
    fn default() -> HeavyWork {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HeavyWork::new(cores, WAIT)
    }
}

impl HeavyWork {
    pub fn new(turns: usize, wait: Duration) -> HeavyWork {
        HeavyWork {
            free: Arc::new(Semaphore::new(turns.max(1))),
            wait,
        }
    }

    /// Runs `f` on a blocking thread once a turn is free; [`AppError::Busy`] after the wait.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let Ok(Ok(turn)) = tokio::time::timeout(self.wait, self.free.clone().acquire_owned()).await
        else {
            return Err(AppError::Busy);
        };
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            f()
        })
        .await
        .map_err(|e| AppError::Internal(format!("pekerjaan berat gagal: {e}")))
    }
}

impl AppState {
    /// Runs `f` on a turn of this server's [`HeavyWork`].
    pub async fn heavy<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        self.heavy.run(f).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn work_runs_off_the_async_thread_and_a_full_house_answers_busy() {
        let heavy = Arc::new(HeavyWork::new(1, Duration::from_millis(200)));
        let here = std::thread::current().id();
        assert_ne!(
            heavy
                .run(move || std::thread::current().id())
                .await
                .unwrap(),
            here
        );
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy = heavy.clone();
        let holding = tokio::spawn(async move { busy.run(move || hold.recv()).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // The one turn is taken: the next waits its time, then is told to come back.
        assert!(matches!(heavy.run(|| 1).await, Err(AppError::Busy)));
        release.send(()).unwrap();
        holding.await.unwrap().unwrap().unwrap();
        assert_eq!(heavy.run(|| 2).await.unwrap(), 2, "the turn came back");
    }
}
