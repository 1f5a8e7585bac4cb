//! The shared screen's keys: arrows, space and page keys step through the agenda, digits
//! jump to a part, Home and End go to the ends, F toggles full screen. The parts are
//! rendered by the server; this only shows one and moves the focus to its title. Without
//! the script, the part links above do the same by reloading the page.

use leptos::prelude::*;

use super::model::Part;

#[island]
pub fn MeetingScreen(current: usize, children: Children) -> impl IntoView {
    let (part, set_part) = signal(Part::from_number(current).unwrap_or(Part::Opening));

    #[cfg(not(feature = "hydrate"))]
    let _ = set_part;
    #[cfg(feature = "hydrate")]
    {
        use super::model::part_for_key;
        use leptos::wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            // Typing in a field, or pressing a button, is not moving the screen.
            let in_control = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(
                        el.tag_name().as_str(),
                        "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "SUMMARY"
                    )
                });
            if in_control {
                return;
            }
            let key = ev.key();
            if key == "f" || key == "F" {
                ev.prevent_default();
                toggle_full_screen();
                return;
            }
            if let Some(next) = part_for_key(part.get_untracked(), &key, ev.shift_key()) {
                ev.prevent_default();
                set_part.set(next);
                show(next);
            }
        });
        on_cleanup(move || handle.remove());
    }

    view! {
        <div class="meeting" data-current=move || part.get().number()>
            {children()}
        </div>
    }
}

/// Marks the part's link current, puts the part in the address (a form sent from it comes
/// back to it) and moves the focus to its title.
#[cfg(feature = "hydrate")]
fn show(part: Part) {
    let doc = document();
    let n = part.number();
    for i in 0..Part::ALL.len() {
        if let Some(link) = doc.get_element_by_id(&format!("go-{i}")) {
            if i == n {
                let _ = link.set_attribute("aria-current", "step");
            } else {
                let _ = link.remove_attribute("aria-current");
            }
        }
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &leptos::wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("?s={n}")),
        );
    }
    // The part is shown now rather than at the next render, so that its title can take the focus.
    if let Ok(Some(screen)) = doc.query_selector(".meeting") {
        let _ = screen.set_attribute("data-current", &n.to_string());
    }
    let title = doc.get_element_by_id(&format!("part-{n}-title"));
    if let Some(el) =
        title.and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
    {
        let _ = el.focus();
    }
}

#[cfg(feature = "hydrate")]
fn toggle_full_screen() {
    let doc = document();
    if doc.fullscreen_element().is_some() {
        doc.exit_fullscreen();
    } else if let Some(root) = doc.document_element() {
        let _ = root.request_fullscreen();
    }
}
