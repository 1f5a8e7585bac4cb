//! `/wards/:ward/accounts`: the committee's list of every account in the ward, with who
//! holds which role, when each last signed in and whether they have a password of their
//! own; a form to make an account (handed on as a one-time code), and for each account
//! its roles, its member record, a new code, deactivation. Plain forms throughout.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::accounts::*;
use super::widgets::id_param;
use crate::core::access::{Role, UnitKind};
use crate::i18n::*;
use crate::ui::error_text::{ErrorNotice, refusal_from_query};
use crate::ui::format;
use crate::ui::layout::role_name;
use crate::ui::loaded::Loaded;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let ward = id_param("ward");
    let data = Resource::new(move || ward.get(), ward_accounts);
    view! {
        <Loaded res=data let:w>
            <AccountsView w />
        </Loaded>
    }
}

/// What the forms offer, shared by every account's panel.
#[derive(Clone)]
struct Choices {
    ward: i64,
    units: Vec<UnitChoice>,
    members: Vec<MemberChoice>,
}

#[component]
fn AccountsView(w: AccountList) -> impl IntoView {
    let i18n = use_i18n();
    let (created, reset, error) = use_query_map().with_untracked(|q| {
        let id = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        (
            id("created"),
            id("reset"),
            refusal_from_query(&q.get("error").unwrap_or_default()),
        )
    });
    // The code just made or reset, to hand on now (it also stays in the account's row).
    let handed = |id: Option<i64>| {
        let a = w.accounts.iter().find(|a| Some(a.id) == id)?;
        match &a.password {
            PasswordState::Code { code, last_day } => {
                Some((a.username.clone(), code.clone(), format::date(*last_day)))
            }
            _ => None,
        }
    };
    let created = handed(created);
    let reset = handed(reset);
    let title = format!("{} · {}", t_string!(i18n, accounts.title), w.ward_name);
    let choices = Choices {
        ward: w.ward_id,
        units: w.units.clone(),
        members: w.free_members.clone(),
    };
    let count = w.accounts.len();
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="page-header__crumb"><a href="/cells">{w.ward_name.clone()}</a></p>
            <h1>{t!(i18n, accounts.title)}</h1>
            <p class="page-header__intro">{t!(i18n, accounts.intro)}</p>
        </header>
        {created.map(|(username, code, date)| view! {
            <p class="notice notice--ok" role="status">
                {t!(i18n, accounts.created, username = username, code = code, date = date)}
            </p>
        })}
        {reset.map(|(username, code, date)| view! {
            <p class="notice notice--ok" role="status">
                {t!(i18n, accounts.reset_done, username = username, code = code, date = date)}
            </p>
        })}
        {error.map(|err| view! { <ErrorNotice err /> })}
        <CreateForm choices=choices.clone() />
        <h2 class="accounts__count">{t!(i18n, accounts.count, n = count)}</h2>
        <ul class="accounts" aria-label=move || t_string!(i18n, accounts.table_caption)>
            {w.accounts.into_iter().map(|a| view! { <AccountCard a choices=choices.clone() /> }).collect_view()}
        </ul>
    }
}

/// The roles a form offers.
#[component]
fn RoleSelect() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field field--short">
            <span class="field__label">{t!(i18n, fields.role)}</span>
            <select name="role">
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.code() selected=r == Role::Secretary>{move || role_name(i18n.get_locale(), r)}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// The units a role may be held at: the ward, then its cells.
#[component]
fn UnitSelect(units: Vec<UnitChoice>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span class="field__label">{t!(i18n, fields.unit)}</span>
            <select name="unit">
                {units.into_iter().map(|u| {
                    let first_cell = u.kind == UnitKind::Cell;
                    view! { <option value=u.id selected=first_cell>{u.name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// The ward's members who have no account, by cell; the first choice links none, the
/// member linked now (if any) comes next, chosen.
#[component]
fn MemberSelect(members: Vec<MemberChoice>, current: Option<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let mut cells: Vec<(String, Vec<MemberChoice>)> = Vec::new();
    for m in members {
        match cells.last_mut() {
            Some((cell, list)) if *cell == m.cell_name => list.push(m),
            _ => cells.push((m.cell_name.clone(), vec![m])),
        }
    }
    view! {
        <label class="field">
            <span class="field__label">{t!(i18n, accounts.linked_member)}</span>
            <select name="member">
                <option value="">{t!(i18n, accounts.no_member)}</option>
                {current.map(|(m, n)| view! { <option value=m selected>{n}</option> })}
                {cells.into_iter().map(|(cell, list)| view! {
                    <optgroup label=cell>
                        {list.into_iter().map(|m| view! { <option value=m.id>{m.full_name}</option> }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn CreateForm(choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel units-add" aria-labelledby="accounts-create">
            <h2 id="accounts-create">{t!(i18n, accounts.create)}</h2>
            <form method="post" action=CreateAccount::url() class="form form--inline">
                <input type="hidden" name="ward" value=choices.ward />
                <label class="field">
                    <span class="field__label">{t!(i18n, accounts.full_name)}</span>
                    <input name="display_name" maxlength="120" required autocomplete="off" />
                </label>
                <label class="field">
                    <span class="field__label">{t!(i18n, fields.username)}</span>
                    <input name="username" maxlength="32" autocomplete="off" autocapitalize="none" spellcheck="false"
                        aria-describedby="accounts-username-hint" />
                    <span class="field__hint" id="accounts-username-hint">{t!(i18n, accounts.username_hint)}</span>
                </label>
                <RoleSelect />
                <UnitSelect units=choices.units.clone() />
                <MemberSelect members=choices.members.clone() current=None />
                <button type="submit" class="button button--primary">{t!(i18n, accounts.create)}</button>
            </form>
        </section>
    }
}

/// Where an account stands with its password, in words.
fn password_text(i18n: leptos_i18n::I18nContext<Locale>, p: &PasswordState) -> String {
    let l = i18n.get_locale();
    match p {
        PasswordState::Code { code, last_day } => format!(
            "{} · {code}",
            td_string!(l, sign_ins.code_waiting, date = format::date(*last_day))
        ),
        PasswordState::CodeExpired => td_string!(l, sign_ins.code_expired).to_string(),
        PasswordState::NoPasswordYet => td_string!(l, sign_ins.no_password_yet).to_string(),
        PasswordState::OwnPassword => td_string!(l, sign_ins.own_password).to_string(),
    }
}

#[component]
fn AccountCard(a: Account, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let heading = format!("account-{}", a.id);
    let labelled_by = heading.clone();
    let (id, version, ward) = (a.id, a.version, choices.ward);
    let password = a.password.clone();
    let last = a.last_sign_in.map(format::day_of);
    let roles = a.roles.clone();
    let linked = a.member.clone();
    let name = a.display_name.clone();
    view! {
        <li class="panel account" class:account--inactive=!a.active aria-labelledby=labelled_by>
            <header class="account__head">
                <h3 id=heading>{a.display_name.clone()}</h3>
                <code class="unit__code">{a.username.clone()}</code>
                {a.is_me.then(|| view! { <span class="muted">{t!(i18n, accounts.you)}</span> })}
                {if a.active {
                    view! { <span class="badge badge--ok">{t!(i18n, accounts.active)}</span> }.into_any()
                } else {
                    view! { <span class="badge badge--alert">{t!(i18n, accounts.inactive)}</span> }.into_any()
                }}
            </header>
            <dl class="facts account__facts">
                <div>
                    <dt>{t!(i18n, accounts.roles)}</dt>
                    <dd>
                        {if roles.is_empty() {
                            view! { <span class="muted">{t!(i18n, accounts.no_roles)}</span> }.into_any()
                        } else {
                            view! {
                                <ul class="account__roles">
                                    {roles.iter().map(|h| {
                                        let (role, unit) = (h.role, h.unit_name.clone());
                                        view! { <li>{move || role_name(i18n.get_locale(), role)}" · "{unit}</li> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </dd>
                </div>
                <div>
                    <dt>{t!(i18n, accounts.linked_member)}</dt>
                    <dd>{match linked.clone() {
                        Some((m, n)) => view! { <a href=format!("/members/{m}")>{n}</a> }.into_any(),
                        None => view! { <span class="muted">"—"</span> }.into_any(),
                    }}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, accounts.last_sign_in)}</dt>
                    <dd>{match last {
                        Some(day) => day.into_any(),
                        None => view! { <span class="muted">{t!(i18n, accounts.never)}</span> }.into_any(),
                    }}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, accounts.password)}</dt>
                    <dd>{move || password_text(i18n, &password)}</dd>
                </div>
            </dl>
            <details class="unit__edit">
                <summary>{t!(i18n, accounts.manage)}<span class="visually-hidden">" "{name.clone()}</span></summary>
                <form method="post" action=GrantRole::url() class="form form--inline"
                    aria-label=format!("{} – {} ({})", t_string!(i18n, accounts.add_role), name, a.username)>
                    <input type="hidden" name="ward" value=ward />
                    <input type="hidden" name="account" value=id />
                    <input type="hidden" name="version" value=version />
                    <RoleSelect />
                    <UnitSelect units=choices.units.clone() />
                    <button type="submit" class="button">{t!(i18n, accounts.add_role)}</button>
                </form>
                {(!roles.is_empty()).then(|| view! {
                    <ul class="account__revoke">
                        {roles.into_iter().map(|h| {
                            let role = h.role;
                            view! {
                                <li>
                                    <form method="post" action=RevokeRole::url()>
                                        <input type="hidden" name="ward" value=ward />
                                        <input type="hidden" name="account" value=id />
                                        <input type="hidden" name="version" value=version />
                                        <input type="hidden" name="role" value=role.code() />
                                        <input type="hidden" name="unit" value=h.unit_id />
                                        <button type="submit" class="button">
                                            {t!(i18n, accounts.remove_role)}": "
                                            {move || role_name(i18n.get_locale(), role)}" · "{h.unit_name.clone()}
                                        </button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
                <form method="post" action=LinkMember::url() class="form form--inline"
                    aria-label=format!("{} – {} ({})", t_string!(i18n, accounts.link), a.display_name, a.username)>
                    <input type="hidden" name="ward" value=ward />
                    <input type="hidden" name="account" value=id />
                    <input type="hidden" name="version" value=version />
                    <MemberSelect members=choices.members.clone() current=linked />
                    <button type="submit" class="button">{t!(i18n, accounts.link)}</button>
                </form>
                <div class="account__actions">
                    {a.active.then(|| view! {
                        <form method="post" action=ResetSignIn::url()>
                            <input type="hidden" name="ward" value=ward />
                            <input type="hidden" name="account" value=id />
                            <input type="hidden" name="version" value=version />
                            <button type="submit" class="button">{t!(i18n, accounts.reset)}</button>
                        </form>
                    })}
                    {(!a.is_me).then(|| view! {
                        <form method="post" action=SetAccountActive::url()>
                            <input type="hidden" name="ward" value=ward />
                            <input type="hidden" name="account" value=id />
                            <input type="hidden" name="version" value=version />
                            <input type="hidden" name="active" value=if a.active { "false" } else { "true" } />
                            {if a.active {
                                view! { <button type="submit" class="button button--danger">{t!(i18n, accounts.deactivate)}</button> }.into_any()
                            } else {
                                view! { <button type="submit" class="button">{t!(i18n, accounts.reactivate)}</button> }.into_any()
                            }}
                        </form>
                    })}
                </div>
            </details>
        </li>
    }
}
