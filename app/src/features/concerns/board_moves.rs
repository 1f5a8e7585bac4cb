//! Dragging a card to another column of the board takes the step between the two states,
//! if the reader may take it. Steps that need a text (an answer, a reason) open the
//! concern's form for it; the others are taken at once. The cards' own menus do the same
//! without a mouse or without the script.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

use super::model::{State, Step, StepText};
use crate::i18n::*;

/// What is being dragged: the card's concern, version, state and the steps allowed on it.
#[derive(Clone, Debug, Default)]
struct Dragged {
    id: i64,
    version: i64,
    state: Option<State>,
    steps: Vec<Step>,
}

fn closest(ev: &web_sys::Event, selector: &str) -> Option<web_sys::Element> {
    ev.target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}

#[island]
pub fn BoardMoves(children: Children) -> impl IntoView {
    let i18n = crate::ui::i18n::provide_i18n();
    let l = i18n.get_locale_untracked();
    let dragged = StoredValue::new(Dragged::default());
    let (message, set_message) = signal(String::new());
    let (busy, set_busy) = signal(false);

    let on_start = move |ev: web_sys::DragEvent| {
        let Some(card) = closest(&ev, "[data-concern]") else {
            return;
        };
        let attr = |k: &str| card.get_attribute(k).unwrap_or_default();
        let d = Dragged {
            id: attr("data-concern").parse().unwrap_or(0),
            version: attr("data-version").parse().unwrap_or(0),
            state: State::parse(&attr("data-state")),
            steps: attr("data-steps")
                .split(',')
                .filter_map(Step::parse)
                .collect(),
        };
        #[cfg(feature = "hydrate")]
        if let Some(dt) = ev.data_transfer() {
            let _ = dt.set_data("text/plain", &d.id.to_string());
        }
        let _ = card.class_list().add_1("concern-card--dragging");
        dragged.set_value(d);
        set_message.set(String::new());
    };
    let on_end = move |ev: web_sys::DragEvent| {
        if let Some(card) = closest(&ev, "[data-concern]") {
            let _ = card.class_list().remove_1("concern-card--dragging");
        }
    };
    let on_over = move |ev: web_sys::DragEvent| {
        if let Some(col) = closest(&ev, "[data-column]") {
            let to = State::parse(&col.get_attribute("data-column").unwrap_or_default());
            let d = dragged.get_value();
            let ok = matches!((d.state, to), (Some(from), Some(to)) if Step::between(from, to).is_some_and(|s| d.steps.contains(&s)));
            if ok {
                ev.prevent_default();
                let _ = col.class_list().add_1("concern-board__column--target");
            }
        }
    };
    let on_leave = move |ev: web_sys::DragEvent| {
        if let Some(col) = closest(&ev, "[data-column]") {
            let _ = col.class_list().remove_1("concern-board__column--target");
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        let Some(col) = closest(&ev, "[data-column]") else {
            return;
        };
        let _ = col.class_list().remove_1("concern-board__column--target");
        let d = dragged.get_value();
        let to = State::parse(&col.get_attribute("data-column").unwrap_or_default());
        let step = match (d.state, to) {
            (Some(from), Some(to)) if from != to => Step::between(from, to),
            _ => return,
        };
        let Some(step) = step.filter(|s| d.steps.contains(s)) else {
            set_message.set(td_string!(l, concerns.cannot_move).to_string());
            return;
        };
        let needs_form =
            step.text() == StepText::Required || step.needs_day() || step == Step::AnswerInWriting;
        if needs_form {
            let _ = window().location().set_href(&format!(
                "/concerns/{}?step={}#step-{}",
                d.id,
                step.code(),
                step.code()
            ));
            return;
        }
        set_busy.set(true);
        set_message.set(td_string!(l, concerns.moving).to_string());
        leptos::task::spawn_local(async move {
            let r = super::api::take_step(
                d.id,
                step.code().to_string(),
                d.version,
                String::new(),
                None,
                None,
            )
            .await;
            match r {
                Ok(_) => {
                    let _ = window().location().reload();
                }
                Err(e) => {
                    set_busy.set(false);
                    set_message.set(crate::ui::error_text::error_text(i18n, &e));
                }
            }
        });
    };
    view! {
        <div
            class="concern-moves"
            class:concern-moves--busy=move || busy.get()
            on:dragstart=on_start
            on:dragend=on_end
            on:dragover=on_over
            on:dragleave=on_leave
            on:drop=on_drop
        >
            <p class="concern-moves__hint">{td_string!(l, concerns.drag_hint)}</p>
            <p class="concern-moves__status" role="status" aria-live="polite">{move || message.get()}</p>
            {children()}
        </div>
    }
}
