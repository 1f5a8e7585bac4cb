//! One's own account (`/account`): whom one is signed in as, with which roles, and the form
//! that changes the password. A plain form that works without the app's script.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::ChangePassword;
use super::fields::PasswordField;
use crate::core::access::Me;
use crate::i18n::*;
use crate::ui::error_text::{ErrorNotice, refusal_from_query};
use crate::ui::layout::{role_name, signed_in};
use leptos::server_fn::ServerFn as _;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), account.title).to_string() />
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move { signed_in().await.map(|me| view! { <Account me /> }) })}
        </Suspense>
    }
}

#[component]
fn Account(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let query = use_query_map();
    let (changed, error) = query.with_untracked(|q| {
        (
            q.get("changed").is_some(),
            refusal_from_query(&q.get("error").unwrap_or_default()),
        )
    });
    let roles = me
        .grants
        .iter()
        .map(|g| view! { <li>{role_name(l, g.role)}" · "{g.unit_name.clone()}</li> })
        .collect_view();
    view! {
        <header class="page-header">
            <h1>{t!(i18n, account.title)}</h1>
        </header>
        <div class="detail-grid">
            <section class="panel">
                <dl class="facts">
                    <div><dt>{t!(i18n, fields.display_name)}</dt><dd>{me.display_name.clone()}</dd></div>
                    <div><dt>{t!(i18n, fields.username)}</dt><dd><code>{me.username.clone()}</code></dd></div>
                    <div><dt>{t!(i18n, account.roles)}</dt><dd><ul class="plain-list">{roles}</ul></dd></div>
                </dl>
            </section>
            <section class="panel" aria-labelledby="account-password">
                <h2 id="account-password">{t!(i18n, account.change_title)}</h2>
                <p class="muted">{t!(i18n, account.change_intro)}</p>
                {changed.then(|| view! { <p class="notice notice--ok" role="status">{t!(i18n, account.changed)}</p> })}
                <form method="post" action=ChangePassword::url() class="form account__form">
                    // For password managers: whose password this is.
                    <input type="text" autocomplete="username" value=me.username.clone()
                        hidden readonly tabindex="-1" aria-hidden="true" />
                    <PasswordField
                        id="account-current"
                        name="form[current]"
                        label=td_string!(l, account.current_password).to_string()
                        autocomplete="current-password"
                    />
                    <PasswordField
                        id="account-new"
                        name="form[password]"
                        label=td_string!(l, account.new_password).to_string()
                        autocomplete="new-password"
                        hint=td_string!(l, account.new_hint).to_string()
                    />
                    <PasswordField
                        id="account-again"
                        name="form[password_again]"
                        label=td_string!(l, account.again).to_string()
                        autocomplete="new-password"
                    />
                    {error.map(|err| view! { <ErrorNotice err /> })}
                    <button type="submit" class="button button--primary button--wide">
                        {t!(i18n, account.submit)}
                    </button>
                </form>
            </section>
        </div>
    }
}
