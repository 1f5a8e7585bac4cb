//! A password field of the account forms: its label, and the hint that says what a new
//! password must be.

use leptos::prelude::*;

use super::model::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

/// `autocomplete` is `current-password` or `new-password`; a new one has a least length.
#[component]
pub fn PasswordField(
    id: &'static str,
    name: &'static str,
    label: String,
    autocomplete: &'static str,
    #[prop(optional)] hint: Option<String>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            <input
                id=id
                type="password"
                name=name
                autocomplete=autocomplete
                required
                minlength=(autocomplete == "new-password").then_some(MIN_PASSWORD_CHARS)
                maxlength=MAX_PASSWORD_CHARS
                aria-describedby=hint.as_ref().map(|_| hint_id.clone())
            />
            {hint.map(|h| view! { <span class="field__hint" id=hint_id.clone()>{h}</span> })}
        </div>
    }
}
