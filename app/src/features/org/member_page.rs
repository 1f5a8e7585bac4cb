//! One member: who they are, what they look after, and their history.

use leptos::prelude::*;
use leptos_meta::Title;

use leptos_router::hooks::use_query_map;

use super::api::{UnlockSignIn, get_member};
use super::model::*;
use super::sign_ins::IssueSignInCode;
use super::widgets::{
    HistoryTable, LastVisit, PhoneLink, StatusBadge, TagList, id_param, status_label,
};
use crate::i18n::*;
use crate::ui::error_text::{ErrorNotice, refusal_from_query};
use crate::ui::format;
use crate::ui::loaded::Loaded;
use leptos::server_fn::ServerFn as _;

#[component]
pub fn MemberPage() -> impl IntoView {
    let member = id_param("member");
    let detail = Resource::new(move || member.get(), get_member);
    view! {
        <Loaded res=detail let:d>
            <MemberView d />
        </Loaded>
    }
}

#[component]
fn MemberView(d: MemberDetail) -> impl IntoView {
    let i18n = use_i18n();
    let m = d.member;
    let cell_href = format!("/cells/{}/members", d.cell.id);
    let gender = m.gender;
    let member_id = m.id;
    let (unlocked, issued, error) = use_query_map().with_untracked(|q| {
        (
            q.get("unlocked").is_some(),
            q.get("issued").is_some(),
            refusal_from_query(&q.get("error").unwrap_or_default()),
        )
    });
    let may_issue = d.may_issue_code;
    let has_account = d.account.is_some();
    let account = (has_account || may_issue).then(|| {
        let state = match d.account.clone() {
            None => view! { <p class="muted">{t!(i18n, members.no_account)}</p> }.into_any(),
            Some(a) => view! {
                <p><strong>{a.username.clone()}</strong></p>
                {unlocked.then(|| view! { <p class="notice" role="status">{t!(i18n, members.unlocked)}</p> })}
                {match a.code.clone() {
                    Some((code, last_day)) => view! {
                        <div class="sign-in-code">
                            <p>{t!(i18n, members.code_label)}</p>
                            <p class="sign-in-code__code">{code}</p>
                            <p class="muted">{t!(i18n, members.code_until, date = format::date(last_day))}</p>
                        </div>
                    }.into_any(),
                    None if !a.has_own_password => view! { <p class="muted">{t!(i18n, members.no_password_yet)}</p> }.into_any(),
                    None => ().into_any(),
                }}
                {match a.locked.clone() {
                    Some((until, minutes)) => view! {
                        <p class="notice notice--error">{t!(i18n, members.account_locked, until = until.clone(), minutes = minutes)}</p>
                        <form method="post" action=UnlockSignIn::url()>
                            <input type="hidden" name="member" value=member_id />
                            <button type="submit" class="button">{t!(i18n, members.unlock)}</button>
                        </form>
                    }.into_any(),
                    None if a.has_own_password => view! { <p class="muted">{t!(i18n, members.account_ok)}</p> }.into_any(),
                    None => ().into_any(),
                }}
            }.into_any(),
        };
        view! {
            <section class="panel" aria-labelledby="account-title">
                <h2 id="account-title">{t!(i18n, members.account)}</h2>
                {issued.then(|| view! { <p class="notice notice--ok" role="status">{t!(i18n, members.code_issued)}</p> })}
                {state}
                {may_issue.then(|| view! {
                    <form method="post" action=IssueSignInCode::url() class="form">
                        <input type="hidden" name="member" value=member_id />
                        {error.map(|err| view! { <ErrorNotice err /> })}
                        <button type="submit" class="button" aria-describedby=has_account.then_some("issue-code-hint")>
                            {if has_account {
                                t!(i18n, members.reissue_code).into_any()
                            } else {
                                t!(i18n, members.issue_code).into_any()
                            }}
                        </button>
                        {has_account.then(|| view! {
                            <p class="field__hint" id="issue-code-hint">{t!(i18n, members.reissue_hint)}</p>
                        })}
                    </form>
                })}
            </section>
        }
    });
    view! {
        <Title text=m.full_name.clone() />
        <header class="page-header">
            <p class="page-header__crumb"><a href=cell_href>{d.cell.name.clone()}</a></p>
            <h1>{m.full_name.clone()}</h1>
            <p class="page-header__meta">
                <StatusBadge status=m.status />
                {(m.kind == MemberKind::Dv213).then(|| view! { <span class="badge badge--info">{t!(i18n, members.kind_dv213)}</span> })}
                <span>
                    {move || match gender {
                        Gender::Male => t_string!(i18n, gender.male),
                        Gender::Female => t_string!(i18n, gender.female),
                        Gender::Other => t_string!(i18n, gender.other),
                    }}
                    {m.birth_year.map(|y| format!(" · {y}"))}
                </span>
            </p>
        </header>
        <div class="detail-grid">
            <section class="panel">
                <dl class="facts">
                    <div><dt>{t!(i18n, members.home)}</dt><dd>{m.home.line()}</dd></div>
                    <div><dt>{t!(i18n, members.phone)}</dt><dd><PhoneLink phone=m.phone.clone() /></dd></div>
                    <div><dt>{t!(i18n, members.load)}</dt><dd>{m.load}" / "{m.capacity}</dd></div>
                    {(!m.workplace.is_empty()).then(|| view! {
                        <div><dt>{t!(i18n, members.workplace)}</dt><dd>{m.workplace.clone()}</dd></div>
                    })}
                    {(!d.workplace_committee.is_empty()).then(|| view! {
                        <div><dt>{t!(i18n, members.workplace_committee)}</dt><dd>{d.workplace_committee.clone()}</dd></div>
                    })}
                    {(!d.notes.is_empty()).then(|| view! {
                        <div><dt>{t!(i18n, members.notes)}</dt><dd>{d.notes.clone()}</dd></div>
                    })}
                </dl>
            </section>
            {account}
            <section class="panel">
                <h2>{t!(i18n, members.status_history)}</h2>
                <ul class="timeline">
                    {d.status_history
                        .into_iter()
                        .map(|(s, at)| {
                            let date = format::day_of(at);
                            view! {
                                <li>
                                    <strong>{move || status_label(i18n, s)}</strong>
                                    " "
                                    <span class="muted">{t!(i18n, members.since, date = date.clone())}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        </div>
        <section class="panel">
            <h2>{t!(i18n, members.households_now)}</h2>
            {if d.households.is_empty() {
                view! { <p class="muted">{t!(i18n, members.no_households)}</p> }.into_any()
            } else {
                view! {
                    <ul class="household-list">
                        {d.households
                            .into_iter()
                            .map(|h| view! {
                                <li class="household-item">
                                    <a href=format!("/households/{}", h.id)>{h.head_name.clone()}</a>
                                    <span class="muted">{h.address.short()}</span>
                                    <TagList tags=h.tags.clone() />
                                    <span class="household-item__visit"><LastVisit date=h.last_visit /></span>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        <section class="panel">
            <h2>{t!(i18n, members.history)}</h2>
            <HistoryTable entries=d.history show_member=false />
        </section>
    }
}
