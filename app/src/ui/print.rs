//! The print button of the pages made to be printed (registers, minutes, reports).

use leptos::prelude::*;

/// Prints the page (on A4: the print styles lay it out).
#[island]
pub fn PrintButton(label: String) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button button--primary print-button"
            on:click=move |_| {
                let _ = window().print();
            }
        >
            {label}
        </button>
    }
}
