//! What only a browser can do for the board: the live feed, dragging across the page,
//! keeping touch scrolling usable. Compiled for the browser only; the server renders the
//! same board without it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::model::LiveEvent;
use super::state::{BoardCtx, Live};

/// Opens the cell's live feed. The browser reconnects by itself after a drop; once it is
/// back, the board reloads to catch up on what it missed.
pub fn open_live(ctx: BoardCtx) {
    let Ok(source) = web_sys::EventSource::new(&format!("/api/board/events/{}", ctx.cell)) else {
        ctx.live.set(Live::Lost);
        return;
    };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            match serde_json::from_str::<LiveEvent>(&text) {
                Ok(LiveEvent::Households(changes)) => ctx.apply(&changes),
                Ok(LiveEvent::Group(change)) => ctx.apply_group(&change),
                Ok(LiveEvent::RegistrationAdded(r)) => ctx.board.update(|b| {
                    if !b.registrations.iter().any(|x| x.id == r.id) {
                        b.registrations.push(r);
                    }
                }),
                Ok(LiveEvent::RegistrationClosed(id)) => {
                    ctx.board.update(|b| b.registrations.retain(|r| r.id != id))
                }
                Err(_) => ctx.refresh(),
            }
        });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let on_reload = Closure::<dyn Fn(web_sys::Event)>::new(move |_| ctx.refresh());
    let _ = source.add_event_listener_with_callback("reload", on_reload.as_ref().unchecked_ref());
    on_reload.forget();

    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        if ctx.live.get_untracked() == Live::Lost {
            ctx.refresh();
        }
        ctx.live.set(Live::Open);
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| ctx.live.set(Live::Lost));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
}

/// While a touch drag is under way, the page must not scroll under the finger. Touch
/// listeners are passive unless asked otherwise, so this one is added by hand.
pub fn guard_touch_scrolling(ctx: BoardCtx) {
    let handler = Closure::<dyn Fn(web_sys::TouchEvent)>::new(move |e: web_sys::TouchEvent| {
        if ctx
            .drag
            .with_untracked(|d| d.as_ref().is_some_and(|d| d.active))
        {
            e.prevent_default();
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(false);
    let _ = document().add_event_listener_with_callback_and_add_event_listener_options(
        "touchmove",
        handler.as_ref().unchecked_ref(),
        &options,
    );
    handler.forget();
}

/// The column under a point: `Some(None)` for Unassigned, `Some(Some(member))` for a member.
pub fn drop_target_at(x: f64, y: f64) -> Option<Option<i64>> {
    let el = document().element_from_point(x as f32, y as f32)?;
    let zone = el.closest("[data-drop]").ok()??;
    let value = zone.get_attribute("data-drop")?;
    if value == "none" {
        Some(None)
    } else {
        value.parse().ok().map(Some)
    }
}

/// Scrolls the columns sideways, and the page up or down, when a drag nears an edge.
pub fn autoscroll(x: f64, y: f64) {
    const EDGE: f64 = 56.0;
    const STEP: f64 = 18.0;
    if let Some(cols) = document().query_selector(".board__columns").ok().flatten() {
        let r = cols.get_bounding_client_rect();
        if x > r.right() - EDGE {
            cols.scroll_by_with_x_and_y(STEP, 0.0);
        } else if x < r.left() + EDGE {
            cols.scroll_by_with_x_and_y(-STEP, 0.0);
        }
    }
    let height = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if y < EDGE {
        window().scroll_by_with_x_and_y(0.0, -STEP);
    } else if height > 0.0 && y > height - EDGE {
        window().scroll_by_with_x_and_y(0.0, STEP);
    }
}

/// A short buzz when a held touch turns into a drag, where phones allow it.
pub fn buzz() {
    let _ = window().navigator().vibrate_with_duration(15);
}

pub fn open_dialog(id: &str) {
    if let Some(d) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok())
        && !d.open()
    {
        let _ = d.show_modal();
    }
}

pub fn close_dialog(id: &str) {
    if let Some(d) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok())
    {
        d.close();
    }
}
