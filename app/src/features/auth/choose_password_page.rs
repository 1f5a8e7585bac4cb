//! The screen after signing in with a one-time code: the person chooses their own
//! password, on one screen with large fields, before any other page opens. A plain form
//! that works without the app's script.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::api::current_user;
use super::choose_password_api::ChoosePassword;
use super::fields::PasswordField;
use super::model::sign_in_path;
use crate::core::access::{CHOOSE_PASSWORD_PATH, Me};
use crate::i18n::*;
use crate::ui::error_text::{ErrorNotice, refusal_from_query};
use crate::ui::public_panel::PublicPanel;
use leptos::server_fn::ServerFn as _;

#[component]
pub fn ChoosePasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| current_user());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), welcome.title).to_string() />
        <Suspense>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) if me.must_choose_password => view! { <ChooseForm me /> }.into_any(),
                    // A password is already chosen: nothing to do here.
                    Ok(Some(me)) => view! { <Redirect path=me.home_path() /> }.into_any(),
                    _ => view! { <Redirect path=sign_in_path(CHOOSE_PASSWORD_PATH) /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChooseForm(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let error =
        use_query_map().with_untracked(|q| refusal_from_query(&q.get("error").unwrap_or_default()));
    view! {
        <PublicPanel>
            <h1>{t!(i18n, welcome.title)}</h1>
            <p class="sign-in__intro">
                {t!(i18n, welcome.hello, name = me.display_name.clone())}
            </p>
            <p class="muted">{t!(i18n, welcome.intro)}</p>
            <form method="post" action=ChoosePassword::url() class="form sign-in__form">
                // For password managers: whose password this is.
                <input type="text" autocomplete="username" value=me.username.clone()
                    hidden readonly tabindex="-1" aria-hidden="true" />
                <p class="welcome__username">
                    {t!(i18n, welcome.username)}" "<strong>{me.username.clone()}</strong>
                </p>
                <PasswordField
                    id="welcome-password"
                    name="form[password]"
                    label=td_string!(l, welcome.password).to_string()
                    autocomplete="new-password"
                    hint=td_string!(l, account.new_hint).to_string()
                />
                <PasswordField
                    id="welcome-again"
                    name="form[password_again]"
                    label=td_string!(l, welcome.again).to_string()
                    autocomplete="new-password"
                />
                {error.map(|err| view! { <ErrorNotice err /> })}
                <button type="submit" class="button button--primary button--wide">
                    {t!(i18n, welcome.submit)}
                </button>
            </form>
        </PublicPanel>
    }
}
