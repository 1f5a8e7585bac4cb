//! Dragging a card to another column: with a mouse at once, with a finger after a short
//! hold (so that a swipe still scrolls), dropped on the column under the pointer.

use leptos::ev;
use leptos::prelude::*;

use super::state::{BoardCtx, Drag, Item};

pub(super) fn on_pointer_move(ctx: BoardCtx, x: f64, y: f64, pointer: i32) {
    let Some(d) = ctx.drag.get_untracked() else {
        return;
    };
    if d.pointer != pointer {
        return;
    }
    let moved = ((x - d.start.0).powi(2) + (y - d.start.1).powi(2)).sqrt();
    if !d.active {
        if d.touch {
            // A touch that moves before the hold is over is a scroll: let it scroll.
            if moved > 10.0 {
                ctx.drag.set(None);
            }
            return;
        }
        if moved < 6.0 {
            return;
        }
    }
    #[cfg(feature = "hydrate")]
    let over = {
        super::browser::autoscroll(x, y);
        super::browser::drop_target_at(x, y)
    };
    #[cfg(not(feature = "hydrate"))]
    let over = None;
    ctx.drag.set(Some(Drag {
        active: true,
        at: (x, y),
        over,
        ..d
    }));
}

pub(super) fn on_pointer_up(ctx: BoardCtx, pointer: i32) {
    let Some(d) = ctx.drag.get_untracked() else {
        return;
    };
    if d.pointer != pointer {
        return;
    }
    ctx.drag.set(None);
    if d.active
        && let Some(to) = d.over
    {
        ctx.move_item(d.item, to, String::new(), false);
    }
}

/// Starts a (possible) drag from a card: at once with a mouse once it moves, after a short
/// hold with a finger so that scrolling still works.
pub(super) fn start_drag(ctx: BoardCtx, item: Item, label: String, e: &ev::PointerEvent) {
    if !ctx.can_write || (e.pointer_type() == "mouse" && e.button() != 0) {
        return;
    }
    let touch = e.pointer_type() != "mouse";
    let pointer = e.pointer_id();
    let start = (e.client_x() as f64, e.client_y() as f64);
    ctx.drag.set(Some(Drag {
        item,
        label,
        pointer,
        touch,
        start,
        at: start,
        active: false,
        over: None,
    }));
    if touch {
        set_timeout(
            move || {
                let still_held = ctx.drag.with_untracked(|d| {
                    d.as_ref()
                        .is_some_and(|d| d.pointer == pointer && !d.active)
                });
                if still_held {
                    ctx.drag.update(|d| {
                        if let Some(d) = d {
                            d.active = true;
                        }
                    });
                    #[cfg(feature = "hydrate")]
                    super::browser::buzz();
                }
            },
            std::time::Duration::from_millis(350),
        );
    }
}
