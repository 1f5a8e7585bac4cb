//! A cell's sign-ins (`/cells/:cell/sign-ins`), for its secretary and the committee: who
//! has an account and a password of their own, one button that makes accounts for everyone
//! still without one, and the sign-in cards to print on A4 and hand out at the meeting.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::sign_ins::{CellSignIns, IssueCellCodes, MemberSignIn, SignInState, sign_ins_of_cell};
use super::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::error_text::{ErrorNotice, refusal_from_query};
use crate::ui::format;
use crate::ui::loaded::Loaded;
use crate::ui::print::PrintButton;
use leptos::server_fn::ServerFn as _;

#[component]
pub fn SignInsPage() -> impl IntoView {
    let cell = id_param("cell");
    let data = Resource::new(move || cell.get(), sign_ins_of_cell);
    view! {
        <CellFrame tab=CellTab::SignIns>
            <Loaded res=data let:d>
                <SignIns d />
            </Loaded>
        </CellFrame>
    }
}

#[component]
fn SignIns(d: CellSignIns) -> impl IntoView {
    let i18n = use_i18n();
    let (issued, error) = use_query_map().with_untracked(|q| {
        (
            q.get("issued").and_then(|n| n.parse::<u32>().ok()),
            refusal_from_query(&q.get("error").unwrap_or_default()),
        )
    });
    let missing = d.without_account();
    let cards: Vec<MemberSignIn> = d
        .members
        .iter()
        .filter(|m| matches!(m.state, SignInState::Code { .. }))
        .cloned()
        .collect();
    let card_count = cards.len();
    let cell_id = d.cell.id;
    let rows = d
        .members
        .iter()
        .map(|m| {
            let state = m.state.clone();
            view! {
                <tr>
                    <th scope="row"><a href=format!("/members/{}", m.member_id)>{m.full_name.clone()}</a></th>
                    <td>{m.username.clone().map(|u| view! { <code>{u}</code> })}</td>
                    <td>{move || state_text(i18n, &state)}</td>
                </tr>
            }
        })
        .collect_view();
    let site = d.site.clone();
    let cell_name = d.cell.name.clone();
    view! {
        <div class="no-print sign-ins__screen">
            <section class="panel">
                <h2>{t!(i18n, sign_ins.title)}</h2>
                <p class="muted">{t!(i18n, sign_ins.intro)}</p>
                {issued.map(|n| view! { <p class="notice notice--ok" role="status">{t!(i18n, sign_ins.issued, n = n)}</p> })}
                {error.map(|err| view! { <ErrorNotice err /> })}
                <div class="sign-ins__actions">
                    {(missing > 0).then(|| view! {
                        <form method="post" action=IssueCellCodes::url()>
                            <input type="hidden" name="cell" value=cell_id />
                            <button type="submit" class="button button--primary">
                                {t!(i18n, sign_ins.issue_all, n = missing)}
                            </button>
                        </form>
                    })}
                    {(card_count > 0).then(|| view! {
                        <PrintButton label=td_string!(i18n.get_locale_untracked(), sign_ins.print, n = card_count).to_string() />
                    })}
                </div>
                {(missing == 0 && card_count == 0).then(|| view! { <p>{t!(i18n, sign_ins.all_done)}</p> })}
            </section>
            <section class="panel">
                <table class="table">
                    <caption class="visually-hidden">{t!(i18n, sign_ins.table_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, sign_ins.member)}</th>
                            <th scope="col">{t!(i18n, fields.username)}</th>
                            <th scope="col">{t!(i18n, sign_ins.state)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        </div>
        {(card_count > 0).then(|| view! {
            <section class="sign-in-cards" aria-labelledby="sign-in-cards-title">
                <h2 id="sign-in-cards-title" class="no-print">{t!(i18n, sign_ins.cards_title)}</h2>
                <ul class="sign-in-cards__list plain-list">
                    {cards
                        .into_iter()
                        .map(|m| view! { <Card m site=site.clone() cell_name=cell_name.clone() /> })
                        .collect_view()}
                </ul>
            </section>
        })}
    }
}

/// One printed card: whom it is for, where to go, the username and the code.
#[component]
fn Card(m: MemberSignIn, site: String, cell_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let SignInState::Code {
        code,
        last_day,
        qr_svg,
    } = m.state
    else {
        return ().into_any();
    };
    let username = m.username.unwrap_or_default();
    view! {
        <li class="sign-in-card">
            <div class="sign-in-card__text">
                <p class="sign-in-card__app">{t!(i18n, app_name)}" · "{cell_name}</p>
                <p class="sign-in-card__name">{m.full_name.clone()}</p>
                <dl class="sign-in-card__facts">
                    <div><dt>{t!(i18n, sign_ins.card_site)}</dt><dd>{site}</dd></div>
                    <div><dt>{t!(i18n, fields.username)}</dt><dd><strong>{username}</strong></dd></div>
                    <div><dt>{t!(i18n, fields.code)}</dt><dd><strong class="sign-in-card__code">{code}</strong></dd></div>
                </dl>
                <p class="sign-in-card__how">{t!(i18n, sign_ins.card_how, date = format::date(last_day))}</p>
            </div>
            <div
                class="sign-in-card__qr"
                role="img"
                aria-label=move || t_string!(i18n, sign_ins.card_qr).to_string()
                inner_html=qr_svg
            ></div>
        </li>
    }
    .into_any()
}

fn state_text(i18n: leptos_i18n::I18nContext<Locale>, state: &SignInState) -> String {
    let l = i18n.get_locale();
    match state {
        SignInState::NoAccount => td_string!(l, sign_ins.no_account).to_string(),
        SignInState::Code { last_day, .. } => {
            td_string!(l, sign_ins.code_waiting, date = format::date(*last_day)).to_string()
        }
        SignInState::CodeExpired => td_string!(l, sign_ins.code_expired).to_string(),
        SignInState::NoPasswordYet => td_string!(l, sign_ins.no_password_yet).to_string(),
        SignInState::OwnPassword => td_string!(l, sign_ins.own_password).to_string(),
    }
}
