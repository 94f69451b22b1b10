//! Password checks and hashes on a few threads of their own. Each holds the hash's memory
//! (19 MiB); run on the shared blocking pool, every one of its many threads kept such a block in
//! its own allocator arena, and 500 logins took the server past 600 MiB. A fixed set of threads
//! bounds that at the number of threads; a login that cannot get one within a few seconds is told
//! to retry (503) instead of queueing without end.

use crate::error::AppError;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, oneshot};

type Job = Box<dyn FnOnce() + Send>;

pub struct PasswordPool {
    jobs: SyncSender<Job>,
    free: Arc<Semaphore>,
}

impl PasswordPool {
    pub fn new(threads: usize) -> PasswordPool {
        let threads = threads.max(1);
        let (jobs, queue) = sync_channel::<Job>(threads);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    // Ends when the pool (the sender) is dropped.
                    while let Ok(job) = queue.lock().unwrap_or_else(|e| e.into_inner()).recv() {
                        job();
                    }
                })
                .expect("a thread for password checks");
        }
        PasswordPool {
            jobs,
            free: Arc::new(Semaphore::new(threads)),
        }
    }

    /// Runs `f` on a password thread once one is free within `wait`; [`AppError::Busy`] if none
    /// is. At most one job per thread is ever handed over, so sending never blocks.
    pub async fn run<T: Send + 'static>(
        &self,
        wait: Duration,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let Ok(Ok(slot)) = tokio::time::timeout(wait, self.free.clone().acquire_owned()).await
        else {
            return Err(AppError::Busy);
        };
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _slot = slot;
                let _ = done.send(f());
            }))
            .map_err(|_| AppError::Internal("password threads gone".into()))?;
        result
            .await
            .map_err(|_| AppError::Internal("password check lost".into()))
    }
}
