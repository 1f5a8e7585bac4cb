//! The frame of the pages anyone may open (signing in, the first set-up): the app's name on
//! a card in the middle of the screen, the page, and the language switch.

use leptos::prelude::*;

use crate::i18n::*;
use crate::ui::layout::LanguageSwitch;

/// `wide` for a page with a longer form.
#[component]
pub fn PublicPanel(#[prop(optional)] wide: bool, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let class = if wide {
        "sign-in__panel sign-in__panel--wide"
    } else {
        "sign-in__panel"
    };
    view! {
        <main id="main" class="sign-in">
            <div class=class>
                <div class="sign-in__brand">
                    <span class="brand__mark brand__mark--large" aria-hidden="true">"GB"</span>
                    <div>
                        <p class="sign-in__app">{t!(i18n, app_name)}</p>
                        <p class="sign-in__tagline">{t!(i18n, tagline)}</p>
                    </div>
                </div>
                {children()}
                <div class="sign-in__footer">
                    <LanguageSwitch />
                </div>
            </div>
        </main>
    }
}
