//! Raising a concern directly on a household's page (not at a visit): for the member who
//! looks after the household, or the cell. A plain form: it works without the script and
//! opens the new concern's page.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

use super::api::RaiseConcern;
use super::model::*;
use super::widgets::*;
use crate::i18n::*;

/// A new concern, as the household said it.
#[component]
pub fn RaiseForm(household: i64) -> impl IntoView {
    let i18n = use_i18n();
    // A fresh id per form, so that sending the same form twice stores one concern.
    let client_id = crate::core::client_id::fresh_id();
    let failed = leptos_router::hooks::use_query_map().with_untracked(|q| {
        q.get("__path")
            .is_some_and(|p| p.ends_with("concerns/raise"))
    });
    view! {
        <details class="raise" open=failed>
            <summary class="button">{t!(i18n, concerns.raise)}</summary>
            <form method="post" action=RaiseConcern::url() class="form raise__form" aria-label=move || t_string!(i18n, concerns.raise)>
                {failed.then(|| view! { <FormError /> })}
                <input type="hidden" name="household" value=household />
                <input type="hidden" name="client_id" value=client_id />
                <label class="field">
                    <span class="field__label">{t!(i18n, concerns.category)}</span>
                    <select name="category" required>
                        <option value="">{t!(i18n, concerns.choose)}</option>
                        {Category::ALL.iter().map(|c| {
                            let c = *c;
                            view! { <option value=c.code()>{move || category_label(i18n.get_locale(), c)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <fieldset class="choices raise__urgency">
                    <legend class="field__label">{t!(i18n, concerns.urgency_label)}</legend>
                    <label class="choice"><input type="radio" name="urgency" value="normal" checked /> {t!(i18n, concerns.urgency.normal)}</label>
                    <label class="choice"><input type="radio" name="urgency" value="urgent" /> {t!(i18n, concerns.urgency.urgent)}</label>
                </fieldset>
                <label class="field">
                    <span class="field__label">{t!(i18n, concerns.body)}</span>
                    <textarea name="body" rows="4" maxlength=MAX_BODY required placeholder=move || t_string!(i18n, concerns.body_placeholder)></textarea>
                </label>
                <button type="submit" class="button button--primary">{t!(i18n, concerns.raise_submit)}</button>
            </form>
        </details>
    }
}
