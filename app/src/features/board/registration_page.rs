//! `/my/register`: a member asks to look after a household near them ("đảng viên gắn bó
//! với hộ gia đình"), and sees what became of their requests. Plain forms: works on any phone.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;

use super::api::{
    RequestRegistration, WithdrawRegistration, my_registrations, registration_candidates,
};
use super::model::Distance;
use crate::i18n::*;
use crate::ui::loaded::Loaded;

#[component]
pub fn RegistrationPage() -> impl IntoView {
    let i18n = use_i18n();
    let candidates = Resource::new(|| (), |_| registration_candidates());
    let mine = Resource::new(|| (), |_| my_registrations());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), registration.title).to_string() />
        <header class="page-header">
            <h1>{t!(i18n, registration.title)}</h1>
            <p class="page-header__intro">{t!(i18n, registration.intro)}</p>
        </header>
        <Loaded res=mine let:list>
            {view! {
                <section class="panel">
                    <h2>{t!(i18n, registration.mine)}</h2>
                    {if list.is_empty() {
                        view! { <p class="muted">{t!(i18n, registration.mine_empty)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="reg-list">
                                {list.into_iter().map(|r| {
                                    let state = r.state.clone();
                                    let state_class = format!("badge reg-state reg-state--{state}");
                                    let pending = state == "pending";
                                    view! {
                                        <li class="reg-item">
                                            <div>
                                                <strong>{r.head.clone()}</strong>
                                                <span class="muted">", "{r.address.clone()}" · "{r.requested_on.clone()}</span>
                                            </div>
                                            <span class=state_class>
                                                {move || match state.as_str() {
                                                    "approved" => t_string!(i18n, registration.state_approved),
                                                    "declined" => t_string!(i18n, registration.state_declined),
                                                    "withdrawn" => t_string!(i18n, registration.state_withdrawn),
                                                    _ => t_string!(i18n, registration.state_pending),
                                                }}
                                            </span>
                                            {(!r.reason.is_empty()).then(|| view! { <p class="muted">{r.reason.clone()}</p> })}
                                            {pending.then(|| view! {
                                                <form method="post" action=WithdrawRegistration::url()>
                                                    <input type="hidden" name="registration" value=r.id.to_string() />
                                                    <button type="submit" class="button button--quiet">{t!(i18n, registration.withdraw)}</button>
                                                </form>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            }.into_any()}
        </Loaded>
        <Loaded res=candidates let:list>
            {if list.is_empty() {
                view! { <p class="empty">{t!(i18n, registration.none)}</p> }.into_any()
            } else {
                view! {
                    <section>
                        <h2>{t!(i18n, registration.candidates)}</h2>
                        <ul class="reg-candidates">
                            {list.into_iter().map(|c| {
                                let d = c.distance;
                                view! {
                                    <li class="reg-candidate">
                                        <form method="post" action=RequestRegistration::url() class="reg-candidate__form">
                                            <input type="hidden" name="household" value=c.household.to_string() />
                                            <div class="reg-candidate__who">
                                                <strong>{c.head.clone()}</strong>
                                                <span>{c.address.clone()}</span>
                                                <span class="muted">{move || match d {
                                                    Distance::SameLane => t_string!(i18n, registration.distance_same_lane),
                                                    Distance::SameAlley => t_string!(i18n, registration.distance_same_alley),
                                                    Distance::SameArea => t_string!(i18n, registration.distance_same_area),
                                                    Distance::OtherArea => t_string!(i18n, registration.distance_other_area),
                                                }}</span>
                                            </div>
                                            <label class="field">
                                                <span class="field__label">{t!(i18n, registration.note)}</span>
                                                <input type="text" name="note" maxlength="300" />
                                            </label>
                                            <button type="submit" class="button button--primary">{t!(i18n, registration.ask)}</button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                }.into_any()
            }}
        </Loaded>
    }
}
