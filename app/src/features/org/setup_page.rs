//! The set-up page (`/setup?token=…`): the first set-up of a ward in the browser, for a
//! server started without a terminal. A plain form that works without the app's script.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::model::WardKind;
use super::setup_api::{SetUpWard, SetupStage, setup_state};
use crate::i18n::*;
use crate::ui::error_text::{ErrorNotice, refusal_from_query};
use crate::ui::loaded::Loaded;
use crate::ui::public_panel::PublicPanel;
use leptos::server_fn::ServerFn as _;

#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token").unwrap_or_default());
    let state = Resource::new(move || token.clone(), setup_state);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), setup.title).to_string() />
        <PublicPanel wide=true>
            <Loaded res=state let:state>
                {match state {
                    SetupStage::Done => view! {
                        <h1>{t!(i18n, setup.done_title)}</h1>
                        <p>{t!(i18n, setup.done)}</p>
                        <a class="button button--primary button--wide" href="/login">
                            {t!(i18n, setup.to_sign_in)}
                        </a>
                    }
                    .into_any(),
                    SetupStage::NeedsToken => view! {
                        <h1>{t!(i18n, setup.no_token_title)}</h1>
                        <p class="sign-in__intro">{t!(i18n, setup.no_token)}</p>
                    }
                    .into_any(),
                    SetupStage::Open => view! { <SetupFormView /> }.into_any(),
                }}
            </Loaded>
        </PublicPanel>
    }
}

/// One text field of the form, refilled from the query after a refusal.
#[component]
fn Field(
    name: &'static str,
    label: String,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = 120)] maxlength: u32,
) -> impl IntoView {
    let query = use_query_map();
    let value = query.with_untracked(|q| q.get(name).unwrap_or_default());
    let id = format!("setup-{name}");
    let hint_id = format!("setup-{name}-hint");
    // The label names the field alone; the hint describes it.
    view! {
        <div class="field">
            <label class="field__label" for=id.clone()>{label}</label>
            <input
                id=id
                name=format!("form[{name}]")
                value=value
                required=required
                maxlength=maxlength
                autocomplete=autocomplete.unwrap_or("off")
                aria-describedby=hint.as_ref().map(|_| hint_id.clone())
            />
            {hint.map(|h| view! { <span class="field__hint" id=hint_id>{h}</span> })}
        </div>
    }
}

#[component]
fn SetupFormView() -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let query = use_query_map();
    let (token, kind, error) = query.with_untracked(|q| {
        (
            q.get("token").unwrap_or_default(),
            q.get("kind").unwrap_or_default(),
            refusal_from_query(&q.get("error").unwrap_or_default()),
        )
    });
    let kind = WardKind::from_typed(&kind).unwrap_or(WardKind::Phuong);
    let code = || td_string!(l, setup.code).to_string();
    view! {
        <h1>{t!(i18n, setup.title)}</h1>
        <p class="sign-in__intro">{t!(i18n, setup.intro)}</p>
        <form method="post" action=SetUpWard::url() class="form sign-in__form">
            <input type="hidden" name="form[token]" value=token />
            <fieldset class="setup__group">
                <legend>{t!(i18n, setup.place)}</legend>
                <div class="setup__pair">
                    <Field name="province" label=td_string!(l, setup.province).to_string()
                        hint=td_string!(l, setup.province_hint).to_string() required=true />
                    <Field name="province_code" label=code() hint=td_string!(l, setup.code_hint).to_string()
                        required=true maxlength=32 />
                </div>
                <div class="setup__pair">
                    <Field name="district" label=td_string!(l, setup.district).to_string()
                        hint=td_string!(l, setup.district_hint).to_string() />
                    <Field name="district_code" label=code() maxlength=32 />
                </div>
                <label class="field">
                    <span class="field__label">{t!(i18n, setup.kind)}</span>
                    <select name="form[kind]">
                        {WardKind::ALL
                            .iter()
                            .map(|k| {
                                view! {
                                    <option value=k.code() selected=*k == kind>{k.vi()}</option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <div class="setup__pair">
                    <Field name="ward" label=td_string!(l, setup.ward).to_string()
                        hint=td_string!(l, setup.ward_hint).to_string() required=true />
                    <Field name="ward_code" label=code() required=true maxlength=32 />
                </div>
            </fieldset>
            <fieldset class="setup__group">
                <legend>{t!(i18n, setup.account)}</legend>
                <Field name="username" label=td_string!(l, sign_in.username).to_string()
                    hint=td_string!(l, setup.username_hint).to_string() required=true
                    autocomplete="username" maxlength=32 />
                <Field name="display_name" label=td_string!(l, setup.display_name).to_string()
                    hint=td_string!(l, setup.display_name_hint).to_string() />
                <div class="field">
                    <label class="field__label" for="setup-password">{t!(i18n, sign_in.password)}</label>
                    <input id="setup-password" type="password" name="form[password]" autocomplete="new-password"
                        required minlength="8" maxlength="128" aria-describedby="setup-password-hint" />
                    <span class="field__hint" id="setup-password-hint">{t!(i18n, setup.password_hint)}</span>
                </div>
                <label class="field">
                    <span class="field__label">{t!(i18n, setup.password_again)}</span>
                    <input type="password" name="form[password_again]" autocomplete="new-password"
                        required minlength="8" maxlength="128" />
                </label>
            </fieldset>
            {error.map(|err| view! { <ErrorNotice err /> })}
            <button type="submit" class="button button--primary button--wide">
                {t!(i18n, setup.submit)}
            </button>
        </form>
    }
}
