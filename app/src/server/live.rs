//! Live updates: every open board of a cell hears about a change within a second.
//!
//! One broadcast channel per cell, created on first use. Writers publish after their
//! transaction commits; the `/api/board/events/{cell}` stream (server-sent events) relays
//! to each browser. A browser that falls behind or reconnects reloads the board.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use crate::features::board::model::LiveEvent;

/// Events a slow listener may fall behind by before it is told to reload.
const BUFFER: usize = 256;

#[derive(Clone, Debug)]
pub struct LiveHub {
    cells: Arc<Mutex<HashMap<i64, broadcast::Sender<Arc<str>>>>>,
    closing: tokio::sync::watch::Sender<bool>,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub {
            cells: Default::default(),
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

impl LiveHub {
    /// Ends every live feed (the server is stopping).
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    /// Resolves when the feeds must end.
    pub fn closing(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|closed| *closed).await;
        }
    }

    fn sender(&self, cell: i64) -> broadcast::Sender<Arc<str>> {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        // Forget channels nobody listens to any more.
        cells.retain(|_, tx| tx.receiver_count() > 0);
        cells
            .entry(cell)
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .clone()
    }

    /// Sends an event to every open board of the cell (if any).
    pub fn publish(&self, cell: i64, event: &LiveEvent) {
        let Ok(json) = serde_json::to_string(event) else {
            return;
        };
        let tx = {
            let cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
            cells.get(&cell).cloned()
        };
        if let Some(tx) = tx {
            let _ = tx.send(json.into());
        }
    }

    pub fn subscribe(&self, cell: i64) -> broadcast::Receiver<Arc<str>> {
        self.sender(cell).subscribe()
    }
}

/// Publishes through the running app's hub, when there is one.
pub fn publish(cell: i64, event: &LiveEvent) {
    if let Some(state) = leptos::prelude::use_context::<super::AppState>() {
        state.live.publish(cell, event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::board::model::GroupChange;

    #[tokio::test]
    async fn subscribers_of_a_cell_hear_its_events_only() {
        let hub = LiveHub::default();
        let mut one = hub.subscribe(1);
        let mut two = hub.subscribe(2);
        let event = LiveEvent::Group(GroupChange {
            group: 5,
            member: Some(7),
            version: 2,
        });
        hub.publish(1, &event);
        let got = one.recv().await.unwrap();
        assert_eq!(serde_json::from_str::<LiveEvent>(&got).unwrap(), event);
        assert!(two.try_recv().is_err());
    }
}
